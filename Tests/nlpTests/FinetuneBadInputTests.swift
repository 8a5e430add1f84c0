import Foundation
import XCTest

/// The issue's bad inputs for `nlp finetune`, `nlp eval` and `nlp score`: each one line on stderr
/// naming the file (and line), exit 1, never a crash.
final class FinetuneBadInputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try NLPCommand.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ bytes: Data) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, Data(text.utf8)) }

    /// Exit 1 and exactly one line, `nlp: error: …` containing `expected`.
    func assertOneLineError(_ result: CommandResult, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("nlp: error: ") }
        XCTAssertEqual(errors.count, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(errors.first?.contains(expected) == true, "\(expected) not in: \(result.stderr)", file: file, line: line)
    }

    func tinyClassifier() throws -> String {
        let corpus = try write("corpus.txt", (0..<200).map { "a \($0 % 2 == 0 ? "good" : "bad") film \($0)\n" }.joined())
        let base = dir.appendingPathComponent("base").path
        let pretrain = try NLPCommand.run(["pretrain", "--arch", "bert", corpus, "-o", base, "--steps", "2", "--layers", "1", "--dim", "16",
                                           "--heads", "2", "--context", "32", "--batch-size", "4", "--train-tokenizer", "char", "--threads", "1"])
        XCTAssertEqual(pretrain.status, 0, pretrain.stderr)
        let train = try write("train.tsv", (0..<40).map { "a \($0 % 2 == 0 ? "good" : "bad") film\t\($0 % 2 == 0 ? "pos" : "neg")\n" }.joined())
        let model = dir.appendingPathComponent("model").path
        let finetune = try NLPCommand.run(["finetune", train, "--base", base, "-o", model, "--epochs", "1", "--threads", "1"])
        XCTAssertEqual(finetune.status, 0, finetune.stderr)
        return model
    }

    func testBadTrainingRows() throws {
        let model = try tinyClassifier()
        let base = dir.appendingPathComponent("base").path
        let cases: [(String, Data, String)] = [
            ("empty.tsv", Data(), "empty.tsv: is empty; expected rows `text<TAB>label`"),
            ("notab.tsv", Data("good film\tpos\nno tab here\nbad film\tneg\n".utf8), "notab.tsv:2: expected `text<TAB>label`"),
            ("once.tsv", Data("a\tpos\nb\tpos\nc\tneg\nd\tneg\ne\tmid\n".utf8), "once.tsv:5: label 'mid' appears only once"),
            ("long.tsv", Data(("ok\tpos\nfine\tpos\n" + String(repeating: "x", count: 1 << 20) + "\tneg\nbad\tneg\n").utf8),
             "long.tsv:3: line is longer than"),
            ("invalid.tsv", Data("good\tpos\nnice\tpos\n".utf8) + Data([0x62, 0x61, 0x64, 0xC3, 0x28, 0x09, 0x6E, 0x65, 0x67, 0x0A]),
             "invalid.tsv:3: invalid UTF-8"),
        ]
        for (name, bytes, expected) in cases {
            let path = try write(name, bytes)
            assertOneLineError(try NLPCommand.run(["finetune", path, "--base", base, "-o", dir.appendingPathComponent("o-" + name).path]),
                               expected)
            if name != "once.tsv" {
                assertOneLineError(try NLPCommand.run(["eval", "--model", model, path]), expected)
            }
        }
        // score reads plain lines: a 1 MB line and invalid UTF-8 are errors there too.
        assertOneLineError(try NLPCommand.run(["score", "--model", model, dir.appendingPathComponent("long.tsv").path]), "long.tsv:3: line is longer than")
        assertOneLineError(try NLPCommand.run(["score", "--model", model, dir.appendingPathComponent("invalid.tsv").path]), "invalid.tsv:3: invalid UTF-8")
        assertOneLineError(try NLPCommand.run(["score", "--model", model, dir.appendingPathComponent("empty.tsv").path]),
                           "empty.tsv: is empty; expected one text a line")
        // -o naming a file, and a base that is not a BERT encoder (a GPT language model).
        let file = try write("a-file", "x\n")
        let rows = try write("rows.tsv", (0..<20).map { "t\($0)\t\($0 % 2)\n" }.joined())
        assertOneLineError(try NLPCommand.run(["finetune", rows, "--base", base, "-o", file]), "a-file: is a file, not a folder")
        let corpus = try write("lm.txt", (0..<50).map { "the cat sat \($0)\n" }.joined())
        let gpt = dir.appendingPathComponent("gpt").path
        XCTAssertEqual(try NLPCommand.run(["pretrain", "--arch", "gpt", "--train-tokenizer", "char", corpus, "-o", gpt, "--steps", "2",
                                           "--layers", "1", "--dim", "16", "--heads", "2", "--context", "16", "--batch-size", "4",
                                           "--threads", "1"]).status, 0)
        assertOneLineError(try NLPCommand.run(["finetune", rows, "--base", gpt, "-o", dir.appendingPathComponent("o-gpt").path]),
                           "config.json: unsupported model_type \"gpt2\" here: this needs a BERT encoder")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o-gpt").path))
        assertOneLineError(try NLPCommand.run(["eval", "--model", gpt, rows]), "it holds a GPT language model; classification needs")
        // A label the classifier does not know.
        let unknown = try write("unknown.tsv", "a good film\tpos\na film\tmeh\n")
        assertOneLineError(try NLPCommand.run(["eval", "--model", model, unknown]), "meh")
    }

    func testMissingOrTruncatedModelFile() throws {
        let model = try tinyClassifier()
        let lines = try write("lines.txt", "a good film\n")
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            let broken = dir.appendingPathComponent("missing-" + file).path
            try FileManager.default.copyItem(atPath: model, toPath: broken)
            try FileManager.default.removeItem(atPath: broken + "/" + file)
            assertOneLineError(try NLPCommand.run(["score", "--model", broken, lines]), "\(broken)/\(file)")

            let truncated = dir.appendingPathComponent("truncated-" + file).path
            try FileManager.default.copyItem(atPath: model, toPath: truncated)
            let data = try Data(contentsOf: URL(fileURLWithPath: truncated + "/" + file))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated + "/" + file))
            assertOneLineError(try NLPCommand.run(["score", "--model", truncated, lines]), "\(truncated)/\(file)")
            assertOneLineError(try NLPCommand.run(["eval", "--model", truncated, lines]), "\(truncated)/\(file)")
            // A fine-tune on a broken base leaves no output folder behind.
            let output = dir.appendingPathComponent("from-truncated-" + file).path
            assertOneLineError(try NLPCommand.run(["finetune", dir.appendingPathComponent("train.tsv").path, "--base", truncated,
                                                   "-o", output, "--threads", "1"]), "\(truncated)/\(file)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), "finetune left \(output) behind")
        }
    }

    func testNaNLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        _ = try tinyClassifier()
        let train = dir.appendingPathComponent("train.tsv").path
        let out = dir.appendingPathComponent("nan").path
        let result = try NLPCommand.run(["finetune", train, "--base", dir.appendingPathComponent("base").path, "-o", out,
                                         "--lr", "1e30", "--warmup", "0", "--checkpoint-every", "1", "--evaluations-per-epoch", "1",
                                         "--threads", "1"])
        assertOneLineError(result, "NaN")
        XCTAssertTrue(result.stderr.contains("last good checkpoint"), result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/trainer_state.json"))
    }
}

extension FinetuneBadInputTests {
    /// A negative number after a numeric option is that option's value (so its own check
    /// answers), not a missing value followed by an unknown option "-1".
    func testNegativeNumbersReachTheOptionsCheck() throws {
        let rows = try write("rows.tsv", "a good film\tpos\na bad film\tneg\n")
        let finetune = try NLPCommand.run(["finetune", rows, "--lr", "-1"])
        XCTAssertNotEqual(finetune.status, 0)
        XCTAssertTrue(finetune.stderr.contains("--lr must be a positive number"), finetune.stderr)
        let generate = try NLPCommand.run(["generate", "--model", dir.path, "--prompt", "a", "--temperature", "-0.5"])
        XCTAssertNotEqual(generate.status, 0)
        XCTAssertTrue(generate.stderr.contains("--temperature"), generate.stderr)
        XCTAssertFalse(generate.stderr.lowercased().contains("missing value"), generate.stderr)
    }
}
