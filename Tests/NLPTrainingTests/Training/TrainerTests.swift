import Foundation
import NLPModels
import NLPTensor
import XCTest
@testable import NLPTraining

/// A two-layer classifier with dropout on separable points: small enough to train in milliseconds,
/// random enough (shuffles, dropout) that an inexact resume would show.
final class TinyClassifier: Module {
    let hidden = Linear(4, 16)
    let dropout = Dropout(0.2)
    let output = Linear(16, 2)

    init(seed: UInt64) {
        super.init()
        resetParameters(using: RandomGenerator(seed: seed))
        nameParameters()
    }

    func callAsFunction(_ x: Tensor) -> Tensor { output(dropout(hidden(x).relu())) }
}

final class TinyTask: TrainingTask {
    let network: TinyClassifier
    let points: [[Float]]
    let labels: [Int32]
    /// Set to make the loss of a step NaN (by poisoning that batch's inputs).
    var poisonedStep: Int?
    /// Called at each evaluation, before it (to see the weights it judges).
    var onEvaluate: (() -> Void)?
    var model: Module { network }

    init(seed: UInt64 = 3, count: Int = 96) {
        network = TinyClassifier(seed: seed)
        var generator = SplitMix64(seed: 11)
        var points: [[Float]] = [], labels: [Int32] = []
        for _ in 0..<count {
            let p = (0..<4).map { _ in Float(generator.next() % 2000) / 1000 - 1 }
            points.append(p)
            labels.append(p[0] + 0.5 * p[1] - p[3] > 0 ? 1 : 0)
        }
        self.points = points
        self.labels = labels
    }

    func batches(epoch: Int, seed: UInt64) -> [[Int]] {
        BatchPlan.shuffled(count: points.count, batchSize: 16, seed: seed)
    }

    func input(_ batch: [Int]) -> Tensor {
        Tensor(shape: [batch.count, 4], scalars: batch.flatMap { points[$0] })
    }

    func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int) {
        var x = input(batch)
        if step == poisonedStep { x = x * Float.nan }
        return (network(x).crossEntropy(targets: batch.map { labels[$0] }), batch.count)
    }

    func evaluate() throws -> Evaluation? {
        onEvaluate?()
        let all = Array(points.indices)
        return noGrad {
            let logits = network(input(all))
            let predicted = logits.argmax()
            let accuracy = Double(zip(predicted, labels).filter { $0 == Int($1) }.count) / Double(all.count)
            return Evaluation(loss: Double(logits.crossEntropy(targets: labels).scalar), metric: accuracy,
                              metricName: "accuracy", higherIsBetter: true)
        }
    }
}

final class TrainerTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "trainer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func makeTrainer(_ task: TinyTask, folder: String, steps: Int = 60, checkpointEvery: Int? = 10,
                     patience: Int? = nil, averagingDecay: Float? = nil) -> Trainer {
        let adamW = AdamW(parameters: task.model.parameters(), learningRate: 0.01)
        let optimizer: Optimizer = averagingDecay.map { WeightAveraging(adamW, decay: $0) } ?? adamW
        let options = TrainerOptions(steps: steps, schedule: LinearDecaySchedule(peak: 0.01, warmupSteps: 5, totalSteps: steps),
                                     logEvery: 5, evaluateEvery: 12, checkpointEvery: checkpointEvery, patience: patience,
                                     seed: 9, title: "test")
        let trainer = Trainer(task: task, optimizer: optimizer, options: options, folder: folder, metricName: "accuracy")
        trainer.output = { _ in }
        return trainer
    }

    func testLearnsAndWritesTheLog() throws {
        let task = TinyTask()
        let outcome = try makeTrainer(task, folder: folder).run()
        XCTAssertEqual(outcome.state.step, 60)
        XCTAssertGreaterThan(outcome.lastEvaluation?.metric ?? 0, 0.8)
        let log = try TrainingLog(csv: String(contentsOfFile: folder + "/train_log.csv", encoding: .utf8))
        XCTAssertEqual(log.rows.map(\.step), [5, 10, 12, 15, 20, 24, 25, 30, 35, 36, 40, 45, 48, 50, 55, 60])
        XCTAssertEqual(log.rows.filter { $0.devMetric != nil }.map(\.step), [12, 24, 36, 48, 60])
        XCTAssertLessThan(log.rows.last!.trainLoss, log.rows.first!.trainLoss)
        XCTAssertTrue(try String(contentsOfFile: folder + "/loss.svg", encoding: .utf8).contains("<polyline"))
        XCTAssertEqual(outcome.state.checkpoint, Checkpoint.fileName(step: 50), "the last checkpoint before the end")
    }

    /// A run stopped after a checkpoint and resumed in a new process state (new model, new
    /// optimizer) ends with the same weights and the same log as a run that never stopped.
    func testResumeContinuesTheSameRun() throws {
        let whole = TinyTask()
        _ = try makeTrainer(whole, folder: folder).run()

        let interrupted = folder + "/interrupted"
        let first = TinyTask()
        _ = try makeTrainer(first, folder: interrupted, steps: 60).runUntilCheckpoint(atStep: 30)
        let second = TinyTask(seed: 99)   // a different initialization: the checkpoint must overwrite it
        let resumed = makeTrainer(second, folder: interrupted)
        try resumed.resume()
        XCTAssertEqual(resumed.state.step, 30)
        _ = try resumed.run()
        for (a, b) in zip(whole.model.parameters(), second.model.parameters()) {
            XCTAssertEqual(a.scalars, b.scalars, a.name ?? "")
        }
        let logA = try String(contentsOfFile: folder + "/train_log.csv", encoding: .utf8)
        let logB = try String(contentsOfFile: interrupted + "/train_log.csv", encoding: .utf8)
        XCTAssertEqual(logA, logB)
    }

    /// With a moving average of the weights, evaluations judge the average (the trained weights
    /// are back in the model between them), and a resumed run continues the same average.
    func testWeightAveragingIsJudgedAndResumes() throws {
        let whole = TinyTask()
        var judged: [[Float]] = []
        whole.onEvaluate = { judged = whole.model.parameters().map(\.scalars) }
        let trainer = makeTrainer(whole, folder: folder, averagingDecay: 0.9)
        _ = try trainer.run()
        let averaging = try XCTUnwrap(trainer.optimizer as? WeightAveraging)
        let raw = whole.model.parameters().map(\.scalars)
        XCTAssertEqual(judged, averaging.averages.map(\.scalars), "the last evaluation saw the averaged weights")
        XCTAssertNotEqual(judged, raw, "the trained weights are back after an evaluation")

        let interrupted = folder + "/interrupted"
        _ = try makeTrainer(TinyTask(), folder: interrupted, averagingDecay: 0.9).runUntilCheckpoint(atStep: 30)
        let second = TinyTask(seed: 99)
        let resumed = makeTrainer(second, folder: interrupted, averagingDecay: 0.9)
        try resumed.resume()
        _ = try resumed.run()
        XCTAssertEqual(second.model.parameters().map(\.scalars), raw)
        XCTAssertEqual((resumed.optimizer as! WeightAveraging).averages.map(\.scalars), averaging.averages.map(\.scalars))
        XCTAssertEqual(try String(contentsOfFile: folder + "/train_log.csv", encoding: .utf8),
                       try String(contentsOfFile: interrupted + "/train_log.csv", encoding: .utf8))
    }

    /// The average follows a ← d·a + (1 − d)·θ with d = min(decay, (1 + t)/(10 + t)).
    func testWeightAveragingFollowsItsRecurrence() {
        let p = Tensor(shape: [2], scalars: [1, -2])
        p.name = "p"
        let averaging = WeightAveraging(SGD(parameters: [p], learningRate: 0.5), decay: 0.6)
        var expected: [Double] = [1, -2]
        for t in 1...6 {
            p.grad = Tensor(shape: [2], scalars: [Float(t), 1])
            averaging.step()
            let d = min(0.6, Double(1 + t) / Double(10 + t))
            expected = zip(expected, p.scalars).map { d * $0 + (1 - d) * Double($1) }
        }
        for (a, e) in zip(averaging.averages[0].scalars, expected) { XCTAssertEqual(Double(a), e, accuracy: 1e-5) }
    }

    func testCheckpointKeepsOnlyTheLatestFile() throws {
        _ = try makeTrainer(TinyTask(), folder: folder, steps: 35).run()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("checkpoint-") }
        XCTAssertEqual(files, [Checkpoint.fileName(step: 30)])
        let state = try TrainerState.read(from: folder)
        XCTAssertEqual(state.step, 30)
        XCTAssertEqual(state.checkpoint, Checkpoint.fileName(step: 30))
        Checkpoint.removeAll(in: folder)
        XCTAssertThrowsError(try TrainerState.read(from: folder)) { error in
            XCTAssertEqual(error as? TrainingError, .nothingToResume(folder: folder))
        }
    }

    func testNaNLossStopsAndKeepsTheLastCheckpoint() throws {
        let task = TinyTask()
        task.poisonedStep = 23
        let trainer = makeTrainer(task, folder: folder)
        XCTAssertThrowsError(try trainer.run()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("training stopped at step 24: the loss is NaN"), message)
            XCTAssertTrue(message.contains(Checkpoint.fileName(step: 20)), message)
        }
        XCTAssertEqual(try TrainerState.read(from: folder).step, 20)
        for p in task.model.parameters() { XCTAssertTrue(p.scalars.allSatisfy(\.isFinite)) }
        let log = try TrainingLog(csv: String(contentsOfFile: folder + "/train_log.csv", encoding: .utf8))
        XCTAssertEqual(log.rows.last?.step, 20)
    }

    func testEarlyStoppingAfterPatience() throws {
        final class Flat: TrainingTask {
            let inner = TinyTask()
            var model: Module { inner.model }
            var calls = 0
            func batches(epoch: Int, seed: UInt64) -> [[Int]] { inner.batches(epoch: epoch, seed: seed) }
            func loss(batch: [Int], step: Int) -> (loss: Tensor, items: Int) { inner.loss(batch: batch, step: step) }
            func evaluate() throws -> Evaluation? {
                calls += 1
                return Evaluation(loss: nil, metric: calls == 1 ? 0.8 : 0.7, metricName: "accuracy", higherIsBetter: true)
            }
        }
        let task = Flat()
        let optimizer = AdamW(parameters: task.model.parameters(), learningRate: 0.01)
        var improvements = 0
        let trainer = Trainer(task: task, optimizer: optimizer,
                              options: TrainerOptions(steps: 100, schedule: ConstantSchedule(rate: 0.01), evaluateEvery: 10,
                                                      patience: 2, seed: 1),
                              folder: folder, metricName: "accuracy")
        trainer.output = { _ in }
        trainer.onImprovement = { _, _ in improvements += 1 }
        let outcome = try trainer.run()
        XCTAssertTrue(outcome.stoppedEarly)
        XCTAssertEqual(outcome.state.step, 30)
        XCTAssertEqual(outcome.state.bestStep, 10)
        XCTAssertEqual(improvements, 1)
    }

    /// A time limit stops the run after the step that reaches it, with an evaluation as after the last step.
    func testTimeLimitStopsWithAnEvaluation() throws {
        let task = TinyTask()
        let optimizer = AdamW(parameters: task.model.parameters(), learningRate: 0.01)
        let trainer = Trainer(task: task, optimizer: optimizer,
                              options: TrainerOptions(steps: 1_000_000, schedule: ConstantSchedule(rate: 0.01), evaluateEvery: 500_000,
                                                      timeLimit: 1e-9, seed: 1),
                              folder: folder, metricName: "accuracy")
        var notes: [String] = []
        trainer.output = { notes.append($0) }
        let outcome = try trainer.run()
        XCTAssertTrue(outcome.stoppedAtTimeLimit)
        XCTAssertFalse(outcome.stoppedEarly)
        XCTAssertEqual(outcome.state.step, 1)
        XCTAssertNotNil(outcome.lastEvaluation, "the stop evaluates as the last step does")
        XCTAssertTrue(notes.joined().contains("time limit"), notes.joined())
    }
}

extension Trainer {
    /// Runs a copy of this trainer's job that stops right after the checkpoint at `step`, as a
    /// kill would (the checkpoint is on disk, nothing after it).
    func runUntilCheckpoint(atStep step: Int) throws {
        var stopped = false
        onCheckpoint = { state in if state.step == step { stopped = true; throw Stop() } }
        do { _ = try run() } catch is Stop { }
        XCTAssertTrue(stopped)
    }

    struct Stop: Error {}
}
