import ArgumentParser
import Foundation
import NLPKit

/// A training command whose run can be continued with `--resume -o DIR`: the arguments it was started
/// with are saved in DIR's trainer state, and `--resume` parses them again, pointed at the same DIR.
protocol ResumableTrainingCommand: ParsableCommand {
    var resume: Bool { get }
    /// The -o folder, when given.
    var runFolder: String? { get }
    /// Makes this command (parsed from saved arguments) write into `folder`.
    mutating func redirect(to folder: String)
    func train(resuming: Bool) throws
}

extension ResumableTrainingCommand {
    func run() throws {
        guard resume else { return try train(resuming: false) }
        guard let folder = runFolder else { throw ValidationError("--resume needs -o DIR") }
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

    /// A fresh run must not overwrite one that stopped part-way in the same folder.
    func requireNoUnfinishedRun(in folder: String, resuming: Bool) throws {
        if !resuming && FileManager.default.fileExists(atPath: ModelFolder.path(folder, TrainerState.fileName)) {
            throw CLIError("\(folder): holds an unfinished run; continue it with --resume or choose another -o")
        }
    }
}
