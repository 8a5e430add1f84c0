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

    /// The same for BERT's masked LM (dropout off: the replicas draw masks of their own), and its
    /// held-out loss.
    func testDataParallelMaskedLanguageModelStepEqualsTheWholeBatch() throws {
        let config = BertConfig(vocabSize: 13, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 16, maxPositions: 16,
                                hiddenDropout: 0, attentionDropout: 0)
        let masking = MaskedLanguageModeling(maskId: 4, vocabularySize: 13, special: [0, 1, 2, 3, 4])
        try assertSplitStepEqualsTheWholeBatch("BERT's", lowestToken: 5) {
            let model = BertForMaskedLM(config, generator: RandomGenerator(seed: 3))
            return (.masked(model, masking, classifierId: 2, separatorId: 3), model.parameters())
        }
    }

    /// One step of a fresh network (`make`) on one thread and on two: two threads must split the
    /// batch over replicas and give the whole batch's loss and gradients, and the same held-out loss.
    private func assertSplitStepEqualsTheWholeBatch(_ what: String, lowestToken: Int = 0,
                                                    _ make: () -> (LanguageModelNetwork, [Tensor])) throws {
        let generator = RandomGenerator(seed: 5)
        let corpus = TokenCorpus(tokens: (0..<2_000).map { _ in Int32(lowestToken + generator.nextInt(below: 13 - lowestToken)) })
        let threads = Parallelism.threads
        defer { Parallelism.setThreads(threads) }

        func step(threads: Int) throws -> (loss: Float, gradients: [Tensor], parallel: Bool, heldOut: Double) {
            Parallelism.setThreads(threads)
            let (network, parameters) = make()
            let task = try LanguageModelTask(network: network, corpus: corpus, context: 12, batchSize: 6, seed: 1)
            let batch = task.batches(epoch: 0, seed: 9)[0]
            let (loss, items) = task.lossAndGradients(batch: batch, step: 4)
            XCTAssertEqual(items, 6 * 12)
            let gradients = parameters.map { $0.grad!.copy() }
            return (loss, gradients, task.replicas != nil, try XCTUnwrap(try task.evaluate()?.loss))
        }
        let whole = try step(threads: 1), split = try step(threads: 2)
        XCTAssertFalse(whole.parallel)
        XCTAssertTrue(split.parallel, "two threads split \(what) batch")
        XCTAssertEqual(split.loss, whole.loss, accuracy: 1e-5)
        XCTAssertEqual(split.heldOut, whole.heldOut, accuracy: 1e-5)
        for (a, b) in zip(split.gradients, whole.gradients) {
            let largest = (0..<a.count).map { abs(a.data[$0] - b.data[$0]) }.max() ?? 0
            XCTAssertLessThan(largest, 1e-5)
        }
    }
}
