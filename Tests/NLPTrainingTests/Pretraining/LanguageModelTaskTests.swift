import NLPModels
import NLPTensor
import XCTest
@testable import NLPTraining

final class LanguageModelTaskTests: XCTestCase {
    /// On two threads a GPT's batch is split over replicas (DataParallel); the loss and gradients
    /// must be the whole batch's, as one thread computes them.
    func testDataParallelGPTStepEqualsTheWholeBatch() throws {
        let config = GPTConfig(vocabSize: 13, maxPositions: 16, width: 8, layers: 2, heads: 2, dropout: 0, bias: true)
        try assertSplitStepEqualsTheWholeBatch("a GPT's") {
            let model = GPTLanguageModel(config, generator: RandomGenerator(seed: 3))
            return (.gpt(model), model.parameters())
        }
    }

    /// The same for the recurrent LM: its replicas run their rows' sequences side by side.
    func testDataParallelLSTMStepEqualsTheWholeBatch() throws {
        let config = RecurrentLanguageModelConfig(vocabSize: 13, embeddingSize: 8, hiddenSize: 16, layers: 2)
        try assertSplitStepEqualsTheWholeBatch("a recurrent LM's") {
            let model = RecurrentLanguageModel(config, generator: RandomGenerator(seed: 3))
            return (.recurrent(model), model.parameters())
        }
    }

    /// One step of a fresh network (`make`) on one thread and on two: two threads must split the
    /// batch over replicas and give the whole batch's loss and gradients.
    private func assertSplitStepEqualsTheWholeBatch(_ what: String, _ make: () -> (LanguageModelNetwork, [Tensor])) throws {
        let generator = RandomGenerator(seed: 5)
        let corpus = TokenCorpus(tokens: (0..<2_000).map { _ in Int32(generator.nextInt(below: 13)) })
        let threads = Parallelism.threads
        defer { Parallelism.setThreads(threads) }

        func step(threads: Int) throws -> (loss: Float, gradients: [Tensor], parallel: Bool) {
            Parallelism.setThreads(threads)
            let (network, parameters) = make()
            let task = try LanguageModelTask(network: network, corpus: corpus, context: 12, batchSize: 6, seed: 1)
            let batch = task.batches(epoch: 0, seed: 9)[0]
            let (loss, items) = task.lossAndGradients(batch: batch, step: 4)
            XCTAssertEqual(items, 6 * 12)
            return (loss, parameters.map { $0.grad!.copy() }, task.replicas != nil)
        }
        let whole = try step(threads: 1), split = try step(threads: 2)
        XCTAssertFalse(whole.parallel)
        XCTAssertTrue(split.parallel, "two threads split \(what) batch")
        XCTAssertEqual(split.loss, whole.loss, accuracy: 1e-5)
        for (a, b) in zip(split.gradients, whole.gradients) {
            let largest = (0..<a.count).map { abs(a.data[$0] - b.data[$0]) }.max() ?? 0
            XCTAssertLessThan(largest, 1e-5)
        }
    }
}
