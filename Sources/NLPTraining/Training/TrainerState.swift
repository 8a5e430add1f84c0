import Foundation
import NLPFiles
import NLPTensor

/// Where a run is: everything besides the tensors that a resumed run needs to continue exactly
/// as if it had not stopped. Saved as trainer_state.json beside the checkpoint it names.
public struct TrainerState: Codable, Equatable, Sendable {
    /// Optimizer steps taken.
    public var step = 0
    /// The epoch in progress and the batches of it already done.
    public var epoch = 0
    public var position = 0
    /// Seed of the data order and of the per-step random streams (dropout, masking).
    public var seed: UInt64 = 0
    /// Seconds of training so far (all sessions) and items (tokens or examples) seen.
    public var seconds: Double = 0
    public var items = 0
    /// The train loss summed over the steps since the last log row, and their count.
    public var intervalLoss: Double = 0
    public var intervalSteps = 0
    public var intervalItems = 0
    /// The best dev metric so far, its step, and evaluations since it improved.
    public var best: Double?
    public var bestStep: Int?
    public var evaluationsSinceBest = 0
    /// The checkpoint file (in the run's folder) holding the tensors of `step`.
    public var checkpoint: String?
    /// The run's options, so `--resume` can continue with nothing else given.
    public var arguments: [String] = []

    public init() {}

    public static let fileName = "trainer_state.json"

    public static func read(from folder: String) throws -> TrainerState {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.nothingToResume(folder: folder)
        }
        do { return try JSONDecoder().decode(TrainerState.self, from: data) } catch {
            throw TrainingError.badCheckpoint(file: path, reason: "not a trainer state written by nlp (\(error))")
        }
    }

    public func write(to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        try AtomicFile.write(data, to: (folder as NSString).appendingPathComponent(Self.fileName))
    }
}

/// Why training could not start or go on; each message is one line.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss (or the gradient norm) became NaN or infinite; training stopped before the
    /// update, and the last good checkpoint was kept. `what` is e.g. "the loss is NaN".
    case nonFiniteLoss(step: Int, what: String, kept: String)
    /// `--resume` on a folder without a checkpoint.
    case nothingToResume(folder: String)
    /// A checkpoint or state file that cannot be used.
    case badCheckpoint(file: String, reason: String)
    /// Not enough data to train on.
    case notEnoughData(String)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let what, let kept):
            return "training stopped at step \(step + 1): \(what) (try a lower --lr); \(kept)"
        case .nothingToResume(let folder):
            return "\(folder): nothing to resume (no \(TrainerState.fileName); it is written at the first checkpoint and removed when a run finishes)"
        case .badCheckpoint(let file, let reason): return "\(file): \(reason)"
        case .notEnoughData(let message): return message
        }
    }
}
