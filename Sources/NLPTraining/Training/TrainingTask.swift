import NLPModels
import NLPTensor

/// What a training run optimizes. The trainer owns the loop, the schedule, checkpoints and
/// progress; a task owns the data and the model's forward pass.
public protocol TrainingTask: AnyObject {
    /// The model whose tensors checkpoints hold.
    var model: Module { get }
    /// The batches of one epoch as lists of example indices. It must be a pure function of
    /// `epoch` and `seed` (a resumed run recomputes it) and give the same number of batches
    /// for every epoch.
    func batches(epoch: Int, seed: UInt64) -> [[Int]]
    /// The loss of one batch with its graph, and how many items (tokens, examples) it held.
    /// `step` is the number of optimizer steps before this one (for per-step randomness).
    func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int)
    /// One batch's forward and backward: its loss, with the gradient added to the model's
    /// parameters when the loss is finite, and its item count. The default is `loss(batch:step:)`
    /// and its backward; a task that splits the batch over the cores (`DataParallel`) does both itself.
    func lossAndGradients(batch: [Int], step: Int) -> (loss: Float, items: Int)
    /// Scores the model on held-out data (no graph, evaluation mode), or nil without such data.
    func evaluate() throws -> Evaluation?
}

extension TrainingTask {
    public func lossAndGradients(batch: [Int], step: Int) -> (loss: Float, items: Int) {
        backpropagatedLoss(batch: batch, step: step)
    }

    /// `loss(batch:step:)` and, when finite, its backward: the single-thread way of a step.
    public func backpropagatedLoss(batch: [Int], step: Int) -> (loss: Float, items: Int) {
        let (loss, items) = self.loss(batch: batch, step: step)
        let value = loss.scalar
        if value.isFinite { loss.backward() }
        return (value, items)
    }
}

/// A held-out evaluation: the loss and the metric early stopping watches.
public struct Evaluation: Sendable {
    public var loss: Double?
    public var metric: Double
    /// "accuracy", "val_loss", …
    public var metricName: String
    public var higherIsBetter: Bool
    /// Other figures worth printing ("perplexity", "macro_f1", …), in order.
    public var extra: [(name: String, value: Double)]

    public init(loss: Double?, metric: Double, metricName: String, higherIsBetter: Bool,
                extra: [(name: String, value: Double)] = []) {
        self.loss = loss
        self.metric = metric
        self.metricName = metricName
        self.higherIsBetter = higherIsBetter
        self.extra = extra
    }

    /// True when this evaluation beats `previous` (nil: nothing to beat).
    public func improves(on previous: Double?) -> Bool {
        guard metric.isFinite else { return false }
        guard let previous else { return true }
        return higherIsBetter ? metric > previous : metric < previous
    }

    /// "val_loss 2.3011  perplexity 9.98".
    public var summary: String {
        var parts: [String] = []
        if let loss { parts.append((metricName == "perplexity" ? "val_loss " : "dev_loss ") + formatFixed(loss, digits: 4)) }
        parts.append(metricName + " " + formatFixed(metric, digits: 4))
        for (name, value) in extra { parts.append(name + " " + formatFixed(value, digits: 4)) }
        return parts.joined(separator: "  ")
    }
}
