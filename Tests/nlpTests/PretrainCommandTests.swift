import Foundation
import XCTest

final class PretrainCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try NLPCommand.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// About 60 KB of English lines (the sentences repeat with varying numbers so the corpus is not trivial).
    func writeCorpus() throws -> String {
        let sentences = ["the quick brown fox jumps over the lazy dog", "a stitch in time saves nine",
                         "all that glitters is not gold", "to be or not to be that is the question",
                         "the rain in spain stays mainly in the plain"]
        let lines = (0..<1200).map { i in sentences[i % sentences.count] + " \(i % 37)" }
        let path = dir.appendingPathComponent("corpus.txt").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let tiny = ["--layers", "1", "--dim", "32", "--heads", "2", "--context", "32", "--batch-size", "8",
                       "--vocab-size", "200", "--threads", "1"]

    func testEachArchitectureWritesAModelFolder() throws {
        let corpus = try writeCorpus()
        for arch in ["bert", "gpt", "lstm"] {
            let out = dir.appendingPathComponent(arch).path
            let result = try NLPCommand.run(["pretrain", "--arch", arch, corpus, "-o", out, "--steps", "20", "--eval-every", "10"]
                                            + Self.tiny)
            XCTAssertEqual(result.status, 0, "\(arch): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("val_loss"), result.stdout)
            for file in ["config.json", "model.safetensors", "tokenizer.json", "train_log.csv", "loss.svg", "metrics.json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), "\(arch): \(file)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/trainer_state.json"), "\(arch): removed at the end")
            let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as! [String: Any]
            let valLoss = try XCTUnwrap(metrics["val_loss"] as? Double, arch)
            XCTAssertTrue(valLoss.isFinite && valLoss > 0, "\(arch): val_loss \(valLoss)")
            XCTAssertEqual(metrics["steps"] as? Int, 20)
            let log = try String(contentsOfFile: out + "/train_log.csv", encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(log.count, 3, "header and rows at steps 10 and 20")
            XCTAssertTrue(result.stderr.contains("tokens/s"), result.stderr)
        }
    }

    /// kill -9 in the middle of a run; --resume loses at most one checkpoint interval and ends
    /// with the log and weights of a run that was never interrupted.
    func testKilledRunResumesOnTheSameCurve() throws {
        let corpus = try writeCorpus()
        let arguments = ["--arch", "gpt", corpus, "--steps", "200", "--eval-every", "50", "--checkpoint-every", "10"] + Self.tiny
        let whole = dir.appendingPathComponent("whole").path
        XCTAssertEqual(try NLPCommand.run(["pretrain"] + arguments + ["-o", whole]).status, 0)

        let killed = dir.appendingPathComponent("killed").path
        let process = Process()
        process.executableURL = NLPCommand.executable
        process.arguments = ["pretrain"] + arguments + ["-o", killed]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let state = killed + "/trainer_state.json"
        let deadline = Date().addingTimeInterval(120)
        var step = 0
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: state),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let s = json["step"] as? Int, s >= 40 {
                step = s
                break
            }
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(step, 40, "the run reached a checkpoint before the kill")
        XCTAssertLessThan(step, 200)

        let resumed = try NLPCommand.run(["pretrain", "--resume", "-o", killed])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming \(killed) at step"), resumed.stderr)
        XCTAssertEqual(try String(contentsOfFile: whole + "/train_log.csv", encoding: .utf8),
                       try String(contentsOfFile: killed + "/train_log.csv", encoding: .utf8))
        XCTAssertEqual(FileManager.default.contents(atPath: whole + "/model.safetensors"),
                       FileManager.default.contents(atPath: killed + "/model.safetensors"))
    }

    /// --from continues a saved language model on new text (its tokenizer, shape and weights):
    /// the held-out loss goes on falling from where the first run left it.
    func testFromContinuesASavedModel() throws {
        let corpus = try writeCorpus()
        let base = dir.appendingPathComponent("base").path
        var result = try NLPCommand.run(["pretrain", "--arch", "bert", "--train-tokenizer", "char", corpus, "-o", base,
                                         "--steps", "30", "--eval-every", "30", "--lr", "2e-3"] + Self.tiny)
        XCTAssertEqual(result.status, 0, result.stderr)
        func valLoss(_ folder: String) throws -> Double {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/metrics.json"))) as! [String: Any]
            return try XCTUnwrap(json["val_loss"] as? Double)
        }
        let continued = dir.appendingPathComponent("continued").path
        result = try NLPCommand.run(["pretrain", "--from", base, corpus, "-o", continued, "--context", "32", "--batch-size", "8",
                                     "--steps", "30", "--eval-every", "30", "--lr", "2e-3", "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("continuing the bert language model of \(base)"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: base + "/tokenizer.json")),
                       try Data(contentsOf: URL(fileURLWithPath: continued + "/tokenizer.json")), "the base's tokenizer is kept")
        XCTAssertLessThan(try valLoss(continued), try valLoss(base) - 0.05, "training went on from the base's weights")

        result = try NLPCommand.run(["pretrain", "--from", base, corpus, "-o", dir.appendingPathComponent("long").path,
                                     "--context", "64", "--threads", "1"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "nlp: error: --context 64 is longer than the 32 positions of \(base)\n")
        result = try NLPCommand.run(["pretrain", "--from", base, "--train-tokenizer", "char", corpus, "-o", continued + "2"])
        XCTAssertEqual(result.status, 2, "--from with a tokenizer option is a usage error")
        let missing = dir.appendingPathComponent("no-such-model").path
        result = try NLPCommand.run(["pretrain", "--from", missing, corpus, "-o", continued + "3"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("nlp: error: \(missing): no such folder"), result.stderr)
    }

    func testBadInputIsOneLineAndExit1() throws {
        let empty = dir.appendingPathComponent("empty.txt").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let out = dir.appendingPathComponent("out").path
        var result = try NLPCommand.run(["pretrain", "--arch", "gpt", "--train-tokenizer", "char", empty, "-o", out] + Self.tiny)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "nlp: error: \(empty): is empty; expected one document a line\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a failed run left \(out) behind")

        let short = dir.appendingPathComponent("short.txt").path
        try Data("ab\n".utf8).write(to: URL(fileURLWithPath: short))
        result = try NLPCommand.run(["pretrain", "--arch", "gpt", "--train-tokenizer", "char", short, "-o", out] + Self.tiny)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasSuffix("too few for one block of 33; give more text or a smaller --context\n"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a failed run left \(out) behind")

        let invalid = dir.appendingPathComponent("invalid.txt").path
        try Data([0x61, 0x62, 0x0A, 0x63, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: invalid))
        result = try NLPCommand.run(["pretrain", "--arch", "gpt", "--train-tokenizer", "char", invalid, "-o", out] + Self.tiny)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("invalid.txt:2: invalid UTF-8"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").filter { $0.hasPrefix("nlp: error:") }.count, 1, result.stderr)

        result = try NLPCommand.run(["pretrain", "--resume", "-o", dir.appendingPathComponent("nothing").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("nothing to resume"), result.stderr)

        result = try NLPCommand.run(["pretrain", "--arch", "gpt", "-o", out])
        XCTAssertEqual(result.status, 2, "no corpus is a usage error")
    }

    func testNaNLossStopsWithAMessageAndKeepsTheCheckpoint() throws {
        let corpus = try writeCorpus()
        let out = dir.appendingPathComponent("nan").path
        let result = try NLPCommand.run(["pretrain", "--arch", "gpt", corpus, "-o", out, "--steps", "200", "--lr", "1e30",
                                         "--warmup", "0", "--checkpoint-every", "1"] + Self.tiny)
        XCTAssertEqual(result.status, 1, result.stderr)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("nlp: error:") }
        XCTAssertEqual(errors.count, 1, result.stderr)
        XCTAssertTrue(errors.first?.contains("training stopped at step") == true && errors.first?.contains("NaN") == true
                      || errors.first?.contains("gradient norm") == true, result.stderr)
        XCTAssertTrue(errors.first?.contains("last good checkpoint") == true, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/trainer_state.json"))
    }
}
