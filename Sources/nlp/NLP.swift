import ArgumentParser
import Foundation

/// The `nlp` command: one subcommand per job. Results go to stdout, progress and logs to stderr.
/// Exit codes: 0 success, 1 bad input (one line naming the file, line and what was expected), 2 usage.
@main
struct NLP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlp",
        abstract: "NLPKit: tokenize, segment, train and run language models on the CPU.",
        version: "0.1.0",
        subcommands: [
            Tokenize.self, Decode.self, TrainTokenizer.self,
            SegmentCommand.self, TrainSegmenterCommand.self, EvalSegmenterCommand.self,
            EmbedCommand.self,
            PretrainCommand.self, FinetuneCommand.self, EvalCommand.self, ScoreCommand.self,
            TrainTranslationCommand.self, TranslateCommand.self,
            GenerateCommand.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exitReporting(error)
        }
    }

    /// `nlp SUBCOMMAND --help` for the subcommand on the command line, else `nlp --help`.
    static var helpCommand: String {
        let names = configuration.subcommands.map { $0._commandName }
        let sub = CommandLine.arguments.dropFirst().first { names.contains($0) }
        return ["nlp", sub, "--help"].compactMap { $0 }.joined(separator: " ")
    }

    /// Prints an error as one line on stderr and exits: 2 for usage errors, 1 for bad input.
    static func exitReporting(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .validationFailure {
            FileHandle.standardError.write(Data("nlp: error: \(message(for: error)) (see '\(helpCommand)')\n".utf8))
            Foundation.exit(2)
        }
        if error is ExitCode || code == .success {
            exit(withError: error)  // --help, --version, explicit exit codes
        }
        FileHandle.standardError.write(Data("nlp: error: \(message(for: error))\n".utf8))
        Foundation.exit(1)
    }
}
