import ArgumentParser
import Foundation
import NLPKit

/// A training command whose run can be continued with `--resume -o DIR`: the arguments it was started
/// with are saved in DIR's trainer state, and `--resume` parses them again, pointed at the same DIR.
protocol ResumableTrainingCommand: ParsableCommand {
    var resume: Bool { get }
    /// The -o folder, when given.
    var outputFolder: String? { get }
    /// Makes this command (parsed from saved arguments) write into `folder`.
    mutating func redirect(to folder: String)
    func train(resuming: Bool) throws
}

extension ResumableTrainingCommand {
    func run() throws {
        guard resume else { return try train(resuming: false) }
        guard let folder = outputFolder else { throw ValidationError("--resume needs -o DIR") }
        var saved = try Self.parse(try TrainerState.read(from: folder).arguments)
        saved.redirect(to: folder)
        try saved.train(resuming: true)
    }

    /// The arguments this run was started with, without --resume (saved for --resume).
    var arguments: [String] {
        let all = Array(CommandLine.arguments.dropFirst())
        let start = Self.configuration.commandName.flatMap { all.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        return all[start...].filter { $0 != "--resume" }
    }
}

/// The -o folder of a training run. Opening it creates it (a fresh run refuses a folder holding an
/// unfinished run); a run that fails before training starts removes the folder it created, so bad
/// input leaves nothing behind. Call `removeIfUnused()` in a `defer` and `trainingStarts()` just
/// before the trainer runs.
final class RunFolder {
    let path: String
    private let created: Bool
    private var started = false

    init(_ path: String, resuming: Bool) throws {
        self.path = path
        var isFolder: ObjCBool = false
        created = !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if !created && !isFolder.boolValue {
            throw CLIError("\(path): is a file, not a folder; -o names the output folder")
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if !resuming && FileManager.default.fileExists(atPath: ModelFolder.path(path, TrainerState.fileName)) {
            throw CLIError("\(path): holds an unfinished run; continue it with --resume or choose another -o")
        }
    }

    func trainingStarts() { started = true }

    func removeIfUnused() {
        if created && !started { try? FileManager.default.removeItem(atPath: path) }
    }
}
