import NLPModels
import NLPTensor
@testable import NLPTraining
import XCTest

final class ClassificationTaskTests: XCTestCase {
    /// On two threads a BERT classifier's batch is split over replicas (DataParallel); without
    /// dropout its loss and gradients must be the whole batch's, padding and all.
    func testDataParallelStepEqualsTheWholeBatch() throws {
        let threads = Parallelism.threads
        Parallelism.setThreads(2)
        defer { Parallelism.setThreads(threads) }
        let config = BertConfig(vocabSize: 30, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 12, maxPositions: 16,
                                hiddenDropout: 0, attentionDropout: 0)
        let classifier = BertForSequenceClassification(config, labels: ["a", "b", "c"], pooling: .mean,
                                                       generator: RandomGenerator(seed: 5))
        let generator = RandomGenerator(seed: 9)
        let sequences = (0..<7).map { i in (0..<(3 + i % 4 * 2)).map { _ in Int32(1 + generator.nextInt(below: 29)) } }
        let texts = EncodedTexts(sequences: sequences, padId: 0)
        let task = ClassificationTask(classifier: classifier, train: texts, trainLabels: [0, 1, 2, 0, 1, 1, 2],
                                      dev: nil, devLabels: [], batchSize: 7, dataParallel: true)
        XCTAssertNotNil(task.parallel)
        classifier.train()
        let batch = [6, 0, 3, 5, 1, 4, 2]
        let whole = task.backpropagatedLoss(batch: batch, step: 0).loss
        let expected = classifier.parameters().map { $0.grad!.copy() }
        for p in classifier.parameters() { p.grad = nil }
        let split = task.lossAndGradients(batch: batch, step: 0).loss
        XCTAssertEqual(split, whole, accuracy: 1e-5)
        for (p, g) in zip(classifier.parameters(), expected) {
            let difference = (0..<g.count).reduce(Float(0)) { max($0, abs(p.grad!.data[$1] - g.data[$1])) }
            XCTAssertLessThan(difference, 1e-5, p.name ?? "")
        }
    }
}
