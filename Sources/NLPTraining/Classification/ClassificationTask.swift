import Foundation
import NLPModels
import NLPTensor

/// Fine-tuning a classifier: batches of texts of similar length, cross-entropy on the labels,
/// and accuracy / macro-F1 / loss on the dev set as the evaluation (accuracy is the metric).
public final class ClassificationTask: TrainingTask {
    public let classifier: ClassifierModel
    public let train: EncodedTexts
    public let trainLabels: [Int32]
    public let dev: EncodedTexts?
    public let devLabels: [Int32]
    public let batchSize: Int
    public var labelSmoothing: Float = 0
    /// The report of the last evaluation.
    public private(set) var lastReport: ClassificationReport?
    /// A BERT classifier's batches split over the threads (one replica per extra thread): nil on
    /// one thread or when `dataParallel` is false. At MiniLM's size the per-op parallel regions of
    /// a whole-batch step cost more than one region a step.
    let parallel: DataParallel<BertForSequenceClassification>?

    public var model: Module { classifier }

    public init(classifier: ClassifierModel, train: EncodedTexts, trainLabels: [Int32], dev: EncodedTexts?, devLabels: [Int32],
                batchSize: Int, dataParallel: Bool = true) {
        precondition(train.count == trainLabels.count && (dev?.count ?? 0) == devLabels.count, "one label per text")
        self.classifier = classifier
        self.train = train
        self.trainLabels = trainLabels
        self.dev = dev
        self.devLabels = devLabels
        self.batchSize = batchSize
        if dataParallel, let bert = classifier as? BertForSequenceClassification, Parallelism.threads > 1, batchSize > 1 {
            parallel = DataParallel(bert) { BertForSequenceClassification(bert.config, labels: bert.labels, pooling: bert.pooling) }
        } else {
            parallel = nil
        }
    }

    public func batches(epoch: Int, seed: UInt64) -> [[Int]] {
        BatchPlan.lengthGrouped(lengths: train.sequences.map(\.count), batchSize: batchSize, seed: seed)
    }

    public func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int) {
        (meanLoss(of: batch, on: classifier), batch.count)
    }

    /// The mean cross-entropy of training examples on `model` (the classifier or a replica of it).
    func meanLoss(of examples: [Int], on model: ClassifierModel) -> Tensor {
        model.logits(train.batch(examples)).crossEntropy(targets: examples.map { trainLabels[$0] }, labelSmoothing: labelSmoothing)
    }

    public func lossAndGradients(batch: [Int], step: Int) -> (loss: Float, items: Int) {
        guard let parallel else { return backpropagatedLoss(batch: batch, step: step) }
        // From the run's seed (the trainer's per-step default generator carries it) and the step, so
        // a resumed run draws the same masks and another seed draws others.
        parallel.seedReplicaDropout(RandomGenerator.default.state.seed &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15)
        let value = parallel.lossAndGradients(rows: batch.count, weight: \.count) { copy, rows in
            meanLoss(of: Array(batch[rows]), on: copy)
        }
        return (value, batch.count)
    }

    /// Logits of every text of `texts` [count, labels], in order (no graph, evaluation mode).
    public func logits(_ texts: EncodedTexts) -> [[Float]] {
        classifier.eval()
        let width = classifier.labels.count
        return BatchedInference.rows(count: texts.count, width: width, lengths: texts.sequences.map(\.count),
                                     batchSize: 64) { classifier.logits(texts.batch($0)) }
    }

    public func evaluate() throws -> Evaluation? {
        guard let dev, dev.count > 0 else { return nil }
        defer { classifier.train() }
        let rows = logits(dev)
        var loss = 0.0
        var predicted: [Int] = []
        for (row, gold) in zip(rows, devLabels) {
            let top = row.max()!
            let logSum = Double(top) + Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1 - top)) })
            loss += logSum - Double(row[Int(gold)])
            predicted.append(row.indices.max { row[$0] < row[$1] } ?? 0)   // NaN-safe: the dev loss reports it
        }
        let report = ClassificationReport(labels: classifier.labels, gold: devLabels.map(Int.init), predicted: predicted)
        lastReport = report
        return Evaluation(loss: loss / Double(rows.count), metric: report.accuracy, metricName: "accuracy", higherIsBetter: true,
                          extra: [("macro_f1", report.macroF1)])
    }
}
