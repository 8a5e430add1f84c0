import Foundation
import NLPFiles
import NLPModels
import NLPTensor

/// How a run trains: steps, learning-rate schedule, clipping, and how often it logs, evaluates
/// and checkpoints.
public struct TrainerOptions {
    /// Optimizer steps in all.
    public var steps: Int
    public var schedule: LearningRateSchedule
    /// Gradients are clipped to this global L2 norm (nil: not clipped; the norm is still checked).
    public var maxGradientNorm: Float?
    /// A train_log.csv row every this many steps (the mean train loss since the previous row).
    public var logEvery: Int
    /// A dev evaluation every this many steps (nil: only at the end).
    public var evaluateEvery: Int?
    /// A checkpoint every this many steps (nil: none).
    public var checkpointEvery: Int?
    /// Stop after this many evaluations in a row that do not beat the best (nil: never).
    public var patience: Int?
    /// Stop (evaluating as after the last step) once the run has taken this many seconds, resumed
    /// sessions included (nil: no limit).
    public var timeLimit: Double?
    /// Seed of the data order and the per-step random streams.
    public var seed: UInt64
    /// The progress bar's title and what the items of a batch are ("tokens", "examples").
    public var title: String
    public var itemName: String

    public init(steps: Int, schedule: LearningRateSchedule, maxGradientNorm: Float? = 1, logEvery: Int = 10,
                evaluateEvery: Int? = nil, checkpointEvery: Int? = nil, patience: Int? = nil, timeLimit: Double? = nil,
                seed: UInt64 = 0, title: String = "train", itemName: String = "examples") {
        self.steps = steps
        self.schedule = schedule
        self.maxGradientNorm = maxGradientNorm
        self.logEvery = max(1, logEvery)
        self.evaluateEvery = evaluateEvery
        self.checkpointEvery = checkpointEvery
        self.patience = patience
        self.timeLimit = timeLimit
        self.seed = seed
        self.title = title
        self.itemName = itemName
    }
}

/// What a finished run did.
public struct TrainingOutcome {
    public var state: TrainerState
    /// The last evaluation (nil without dev data).
    public var lastEvaluation: Evaluation?
    /// True when early stopping ended the run before `steps`.
    public var stoppedEarly: Bool
    /// True when the time limit ended the run before `steps`.
    public var stoppedAtTimeLimit: Bool
    /// Items per second over this session.
    public var itemsPerSecond: Double
}

/// The training loop shared by every training command: one optimizer step per batch, the
/// learning rate from the schedule, gradient clipping, a progress bar, train_log.csv and
/// loss.svg, dev evaluations with early stopping, and checkpoints that `resume()` continues from
/// exactly (same data order, same random streams, same optimizer moments, same loss curve).
///
/// Randomness is per step and stateless: the default generator (dropout) restarts at
/// (seed, step) before each step, and each epoch's order comes from (seed, epoch), so a checkpoint
/// needs only the step, the epoch and the position in it.
public final class Trainer {
    public let task: TrainingTask
    public let optimizer: Optimizer
    public let options: TrainerOptions
    /// The run's folder: train_log.csv, loss.svg, checkpoints and trainer_state.json.
    public let folder: String
    public private(set) var state = TrainerState()
    public private(set) var log: TrainingLog
    /// Called when an evaluation beats the best so far (write the best model here).
    public var onImprovement: ((Evaluation, TrainerState) throws -> Void)?
    /// Called after each checkpoint (e.g. to write the model folder of the latest weights).
    public var onCheckpoint: ((TrainerState) throws -> Void)?
    /// Where messages go (stderr through the progress bar by default).
    public var output: ((String) -> Void)?
    /// Draws the bar as on a terminal (nil: when stderr is one).
    public var terminal: Bool?

    public init(task: TrainingTask, optimizer: Optimizer, options: TrainerOptions, folder: String,
                metricName: String, arguments: [String] = []) {
        self.task = task
        self.optimizer = optimizer
        self.options = options
        self.folder = folder
        log = TrainingLog(metricName: metricName)
        state.seed = options.seed
        state.arguments = arguments
    }

    /// Continues from the checkpoint in `folder`: tensors, optimizer moments, position and log.
    public func resume() throws {
        Checkpoint.removeTemporaryFiles(in: folder)
        state = try Checkpoint.restore(model: task.model, optimizer: optimizer, from: folder)
        let logPath = path(TrainingLog.fileName)
        if let text = try? String(contentsOfFile: logPath, encoding: .utf8) {
            log = try TrainingLog(csv: text)
            log.truncate(after: state.step)
        }
    }

    /// The random stream of step `step` (dropout masks; tasks derive theirs from it too).
    public static func stepGenerator(seed: UInt64, step: Int, stream: UInt64 = 0) -> RandomGenerator {
        RandomGenerator(state: .init(seed: seed &+ stream &* 0x9E37_79B9_7F4A_7C15, counter: UInt64(step) << 32))
    }

    func epochSeed(_ epoch: Int) -> UInt64 { state.seed &+ UInt64(epoch + 1) &* 0xD1B5_4A32_D192_ED03 }

    public func run() throws -> TrainingOutcome {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bar = ProgressBar(options.title, total: options.steps, initial: state.step, terminal: terminal, output: output)
        var plan = task.batches(epoch: state.epoch, seed: epochSeed(state.epoch))
        guard !plan.isEmpty else { throw TrainingError.notEnoughData("no training batches: the data is empty") }
        let sessionStart = monotonicSeconds(), secondsBefore = state.seconds, itemsBefore = state.items
        bar.stopsAfter = options.timeLimit.map { $0 - secondsBefore }
        var smoothedLoss: Double?
        var lastEvaluation: Evaluation?
        var stoppedEarly = false, stoppedAtTimeLimit = false
        var rate: Float = 0
        func itemsPerSecond() -> Double {
            let elapsed = monotonicSeconds() - sessionStart
            return elapsed > 0 ? Double(state.items - itemsBefore) / elapsed : 0
        }
        func status() -> String {
            var parts: [String] = []
            if let smoothedLoss { parts.append("loss " + formatFixed(smoothedLoss, digits: 4)) }
            parts.append("lr " + formatScientific(Double(rate)))
            let ips = itemsPerSecond()
            if ips > 0 { parts.append(formatRate(ips) + " \(options.itemName)/s") }
            return parts.joined(separator: "  ")
        }

        while state.step < options.steps {
            if state.position >= plan.count {
                state.epoch += 1
                state.position = 0
                plan = task.batches(epoch: state.epoch, seed: epochSeed(state.epoch))
            }
            RandomGenerator.default = Self.stepGenerator(seed: state.seed, step: state.step)
            rate = options.schedule.learningRate(atStep: state.step)
            optimizer.learningRate = rate
            task.model.train()
            let (value, items) = task.lossAndGradients(batch: plan[state.position], step: state.step)
            var norm: Float = 0
            if value.isFinite { norm = gradientNorm(optimizer.parameters) }
            guard value.isFinite && norm.isFinite else {
                optimizer.zeroGrad()
                bar.finish(state.step, status: status())
                try writeLog()
                let what = value.isFinite ? "the gradient norm is \(norm)" : "the loss is \(value.isNaN ? "NaN" : "\(value)")"
                throw TrainingError.nonFiniteLoss(step: state.step, what: what, kept: keptMessage())
            }
            // Clipping's factor is applied inside the update (no pass rewriting the gradients).
            optimizer.step(gradientScale: clippingScale(norm: norm, maxNorm: options.maxGradientNorm ?? .infinity))
            optimizer.zeroGrad()
            state.step += 1
            state.position += 1
            state.items += items
            state.intervalLoss += Double(value)
            state.intervalSteps += 1
            state.intervalItems += items
            state.seconds = secondsBefore + (monotonicSeconds() - sessionStart)
            smoothedLoss = smoothedLoss.map { 0.9 * $0 + 0.1 * Double(value) } ?? Double(value)

            let outOfTime = state.step < options.steps && options.timeLimit.map { state.seconds >= $0 } == true
            let isLast = state.step == options.steps || outOfTime
            let evaluates = isLast || (options.evaluateEvery.map { state.step % $0 == 0 } ?? false)
            if evaluates || state.step % options.logEvery == 0 {
                var row = TrainingLog.Row(step: state.step, epoch: Double(state.epoch) + Double(state.position) / Double(plan.count),
                                          trainLoss: state.intervalLoss / Double(max(1, state.intervalSteps)),
                                          learningRate: Double(rate))
                state.intervalLoss = 0
                state.intervalSteps = 0
                state.intervalItems = 0
                if evaluates {
                    try withEvaluatedWeights {
                        guard let evaluation = try task.evaluate() else { return }
                        // Weights that give a non-finite dev loss are not checkpointed (the check comes first).
                        if let devLoss = evaluation.loss, !devLoss.isFinite {
                            bar.finish(state.step, status: status())
                            try writeLog()
                            throw TrainingError.nonFiniteLoss(step: state.step - 1, what: "the dev loss is \(devLoss.isNaN ? "NaN" : "\(devLoss)")",
                                                              kept: keptMessage())
                        }
                        lastEvaluation = evaluation
                        row.devLoss = evaluation.loss
                        row.devMetric = evaluation.metric
                        var line = "step \(state.step)/\(options.steps)  epoch \(formatFixed(row.epoch, digits: 2))  " + evaluation.summary
                        if evaluation.improves(on: state.best) {
                            state.best = evaluation.metric
                            state.bestStep = state.step
                            state.evaluationsSinceBest = 0
                            if state.step > 0 { line += "  (best)" }
                            try onImprovement?(evaluation, state)
                        } else {
                            state.evaluationsSinceBest += 1
                        }
                        bar.note(line)
                        if let patience = options.patience, state.evaluationsSinceBest >= patience, !isLast {
                            bar.note("stopping early: \(evaluation.metricName) has not improved for \(patience) evaluations "
                                     + "(best \(formatFixed(state.best ?? .nan, digits: 4)) at step \(state.bestStep ?? 0))")
                            stoppedEarly = true
                        }
                    }
                }
                log.append(row)
                if evaluates { try writeLog() }
            }
            if let every = options.checkpointEvery, state.step % every == 0, !isLast, !stoppedEarly {
                try writeLog()
                try Checkpoint.save(model: task.model, optimizer: optimizer, state: &state, to: folder)
                try onCheckpoint?(state)
            }
            bar.update(state.step, status: status())
            if outOfTime {
                bar.note("stopping at step \(state.step): the time limit of \(formatDuration(options.timeLimit!)) is reached")
                stoppedAtTimeLimit = true
            }
            if stoppedEarly || stoppedAtTimeLimit { break }
        }
        bar.finish(state.step, status: status())
        try writeLog()
        return TrainingOutcome(state: state, lastEvaluation: lastEvaluation, stoppedEarly: stoppedEarly,
                               stoppedAtTimeLimit: stoppedAtTimeLimit, itemsPerSecond: itemsPerSecond())
    }

    /// Runs an evaluation (and the saving of a best model) on the weights the run is judged by:
    /// the averaged ones when the optimizer keeps an average (`WeightAveraging`).
    private func withEvaluatedWeights(_ body: () throws -> Void) rethrows {
        if let averaging = optimizer as? WeightAveraging { try averaging.withAveragedParameters(body) } else { try body() }
    }

    /// Writes train_log.csv and loss.svg.
    public func writeLog() throws {
        try AtomicFile.write(log.csv, to: path(TrainingLog.fileName))
        try AtomicFile.write(log.svg, to: path(TrainingLog.plotFileName))
    }

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    private func keptMessage() -> String {
        var parts: [String] = []
        if let name = state.checkpoint { parts.append("the last good checkpoint (\(name)) is kept in \(folder); --resume continues from it") }
        if let best = state.bestStep, let metric = state.best {
            parts.append("the best model so far (step \(best), \(log.metricName) \(formatFixed(metric, digits: 4))) is in \(folder)")
        }
        return parts.isEmpty ? "no checkpoint had been written yet" : parts.joined(separator: "; ")
    }
}

/// "1.2e-04".
func formatScientific(_ x: Double) -> String {
    guard x.isFinite, x != 0 else { return x == 0 ? "0" : formatFixed(x, digits: 2) }
    return String(format: "%.1e", x)
}
