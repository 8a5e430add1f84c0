import Foundation
import XCTest

/// `nlp train-translation`, `nlp translate` and `nlp eval` on a translation model, end to end on
/// a tiny reversal task, and their bad inputs.
final class TranslationCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try NLPCommand.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func assertOneLineError(_ result: CommandResult, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("nlp: error: ") }
        XCTAssertEqual(errors.count, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(errors.first?.contains(expected) == true, "\(expected) not in: \(result.stderr)", file: file, line: line)
    }

    func testTrainTranslateAndEvaluate() throws { try trainTranslateAndEvaluate(arch: "transformer") }

    func testTrainTranslateAndEvaluateLSTM() throws { try trainTranslateAndEvaluate(arch: "lstm-attention") }   // the name for --arch lstm

    func trainTranslateAndEvaluate(arch: String) throws {
        let letters = Array("abcdef")
        let rows = (0..<300).map { i -> String in
            // The base-6 digits of i + 36 as letters: 300 distinct sources.
            var n = i + 36, word: [String] = []
            while n > 0 { word.append(String(letters[n % 6])); n /= 6 }
            return word.joined(separator: " ") + "\t" + word.reversed().joined(separator: " ") + "\n"
        }
        let pairs = try write("pairs.tsv", "source\ttarget\n" + rows.joined())
        let model = dir.appendingPathComponent("model-" + arch).path
        let train = try NLPCommand.run(["train-translation", pairs, "-o", model, "--arch", arch, "--steps", "20", "--layers", "1", "--dim", "32",
                                        "--heads", "2", "--vocab-size", "300", "--test-size", "20", "--dev-size", "20",
                                        "--eval-every", "10", "--batch-tokens", "256", "--threads", "1"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.contains("best dev BLEU"), train.stdout)
        XCTAssertTrue(train.stderr.contains(arch.hasPrefix("lstm") ? "model: LSTM" : "model: Transformer"), train.stderr)
        for file in ["config.json", "model.safetensors", "tokenizer.json", "test.tsv", "dev.tsv", "metrics.json", "train_log.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: model + "/" + file), file)
        }
        let translate = try NLPCommand.run(["translate", "--model", model, "--beam", "2", "-"], input: Data("a b c\n\nd e f\n".utf8))
        XCTAssertEqual(translate.status, 0, translate.stderr)
        let lines = translate.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4, translate.stdout)   // three lines and the final newline
        XCTAssertEqual(lines[1], "")
        let eval = try NLPCommand.run(["eval", "--model", model, model + "/test.tsv", "--format", "json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["sentences"] as? Int, 20)
        XCTAssertNotNil(json?["bleu"] as? Double)
        XCTAssertNotNil(json?["chrf"] as? Double)
    }

    func testBadInputs() throws {
        let noTab = try write("notab.tsv", "a b\tb a\nc d\n")
        assertOneLineError(try NLPCommand.run(["train-translation", noTab, "-o", dir.appendingPathComponent("m").path]),
                           "notab.tsv:2: expected `source<TAB>target`")
        let empty = try write("empty.tsv", "a\t\n")
        assertOneLineError(try NLPCommand.run(["train-translation", empty, "-o", dir.appendingPathComponent("m2").path]),
                           "empty.tsv:1:")
        for folder in ["m", "m2"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(folder).path), "a failed run left \(folder) behind")
        }
        assertOneLineError(try NLPCommand.run(["translate", "--model", dir.appendingPathComponent("missing").path, "-"], input: Data()),
                           "missing")
        let usage = try NLPCommand.run(["translate", "--model", "x", "--beam", "0"])
        XCTAssertEqual(usage.status, 2, usage.stderr)
    }
}
