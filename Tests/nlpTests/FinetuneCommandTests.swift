import Foundation
import XCTest

/// `nlp finetune`, `nlp eval` and `nlp score` end to end on a tiny base pre-trained in the test.
final class FinetuneCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try NLPCommand.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    static let tinyBase = ["--layers", "1", "--dim", "32", "--heads", "2", "--context", "64", "--batch-size", "8",
                           "--train-tokenizer", "char", "--threads", "1"]

    static let positive = ["good", "great", "lovely", "fine", "nice"]
    static let negative = ["bad", "awful", "poor", "ugly", "sad"]

    /// Rows `a <word> film number N<TAB>label` whose label is given by the sentiment word.
    static func rows(_ range: Range<Int>) -> [String] {
        range.map { i in
            let positiveRow = i % 2 == 0
            let word = (positiveRow ? positive : negative)[(i / 2) % 5]
            return "a \(word) film number \(i % 13)\t\(positiveRow ? "pos" : "neg")"
        }
    }

    func write(_ name: String, _ lines: [String]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A tiny BERT pre-trained for a few steps on the texts (once per test: a few seconds).
    func pretrainedBase(arch: String = "bert") throws -> String {
        let corpus = try write("corpus.txt", Self.rows(0..<400).map { String($0.split(separator: "\t")[0]) })
        let out = dir.appendingPathComponent("base-\(arch)").path
        let result = try NLPCommand.run(["pretrain", "--arch", arch, corpus, "-o", out, "--steps", "10", "--eval-every", "10"]
                                        + Self.tinyBase)
        XCTAssertEqual(result.status, 0, result.stderr)
        return out
    }

    func finetuned() throws -> (model: String, dev: String, stdout: String) {
        let base = try pretrainedBase()
        let train = try write("train.tsv", ["text\tlabel"] + Self.rows(0..<240))
        let dev = try write("dev.tsv", Self.rows(1000..<1060))
        let model = dir.appendingPathComponent("classifier").path
        let result = try NLPCommand.run(["finetune", train, "--base", base, "--dev", dev, "-o", model, "--epochs", "4",
                                         "--lr", "3e-3", "--batch-size", "16", "--max-length", "16", "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("base: \(base) (--base)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("settings: 4 epochs × 15 batches of 16, lr 0.003"), result.stderr)
        return (model, dev, result.stdout)
    }

    func testFinetuneThenEvalReproducesTheDevMetrics() throws {
        let (model, dev, stdout) = try finetuned()
        for file in ["config.json", "model.safetensors", "tokenizer.json", "metrics.json", "train_log.csv", "loss.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: model + "/" + file), file)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: model + "/trainer_state.json"), "checkpoints removed at the end")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/config.json"))) as! [String: Any]
        XCTAssertEqual(config["architectures"] as? [String], ["BertForSequenceClassification"])
        XCTAssertEqual(Set(((config["id2label"] as? [String: String]) ?? [:]).values), ["pos", "neg"], "labels from the data, header skipped")
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/metrics.json"))) as! [String: Any]
        let accuracy = try XCTUnwrap(metrics["accuracy"] as? Double)
        XCTAssertGreaterThan(accuracy, 0.75, "the sentiment word decides the label: \(stdout)")
        XCTAssertTrue(stdout.contains("accuracy"), stdout)

        // eval on the dev rows gives the accuracy of the kept (best) model.
        let json = try NLPCommand.run(["eval", "--model", model, "--format", "json", dev, "--threads", "1"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(try XCTUnwrap(report["accuracy"] as? Double), accuracy, accuracy: 1e-9)
        XCTAssertEqual(report["count"] as? Int, 60)
        XCTAssertNotNil(report["macro_f1"] as? Double)
        let confusion = try XCTUnwrap(report["confusion"] as? [[Int]])
        XCTAssertEqual(confusion.flatMap { $0 }.reduce(0, +), 60)
        let text = try NLPCommand.run(["eval", "--model", model, dev])
        XCTAssertEqual(text.status, 0, text.stderr)
        for part in ["precision", "recall", "f1", "macro-F1", "confusion"] { XCTAssertTrue(text.stdout.contains(part), text.stdout) }
    }

    func testScoreWritesOneLinePerInputLineInOrder() throws {
        let (model, _, _) = try finetuned()
        // More lines than one chunk (4,096), blank lines among them.
        let texts = (0..<4200).map { i in i % 700 == 5 ? "" : (i % 701 == 3 ? "   " : "a \(i % 2 == 0 ? "great" : "awful") film \(i)") }
        let input = Data(texts.map { $0 + "\n" }.joined().utf8)
        let result = try NLPCommand.run(["score", "--model", model, "-"], input: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, texts.count)
        for (text, line) in zip(texts, lines) {
            if text.trimmingCharacters(in: .whitespaces).isEmpty { XCTAssertEqual(line, "", "blank in, blank out"); continue }
            let fields = line.split(separator: "\t")
            XCTAssertEqual(fields.count, 2, String(line))
            XCTAssertTrue(["pos", "neg"].contains(fields[0]), String(line))
            XCTAssertGreaterThanOrEqual(Double(fields[1]) ?? 0, 0.5, String(line))
        }
        // The same text alone scores as it did in the batch; --all lists every label, summing to 1.
        let file = try write("few.txt", [texts[1], "", texts[0]])
        let all = try NLPCommand.run(["score", "--model", model, "--all", file])
        XCTAssertEqual(all.status, 0, all.stderr)
        let allLines = all.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(allLines.count, 4)
        XCTAssertEqual(allLines[1], "")
        for (index, line) in [(1, allLines[0]), (0, allLines[2])] {
            let pairs = line.split(separator: "\t").map { $0.split(separator: "=") }
            XCTAssertEqual(pairs.map { String($0[0]) }.sorted(), ["neg", "pos"])
            XCTAssertEqual(pairs.map { Double($0[1])! }.reduce(0, +), 1, accuracy: 2e-4)
            let best = pairs.max { Double($0[1])! < Double($1[1])! }!
            XCTAssertEqual("\(best[0])\t\(best[1])", String(lines[index]))
        }
    }

    func testScoreGivesALanguageModelsLogProbabilityAndPerplexity() throws {
        let model = try pretrainedBase(arch: "gpt")
        let file = try write("lines.txt", ["a good film", "", "a good film", "zzzz qqqq xxxx"])
        let result = try NLPCommand.run(["score", "--model", model, file])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(lines[1], "")
        XCTAssertEqual(lines[0], lines[2], "the same line scores the same")
        let rows = [lines[0], lines[3]].map { $0.split(separator: "\t").map { Double($0)! } }
        for row in rows {
            XCTAssertLessThan(row[0], 0)
            XCTAssertGreaterThan(row[1], 1)
        }
        // "a good film" is 11 characters + end of text: perplexity = exp(-log p / 12).
        XCTAssertEqual(rows[0][1], Foundation.exp(-rows[0][0] / 12), accuracy: rows[0][1] * 1e-3)
        XCTAssertGreaterThan(rows[0][0], rows[1][0], "text like the corpus is more probable")

        let all = try NLPCommand.run(["score", "--model", model, "--all", file])
        XCTAssertEqual(all.status, 1)
        XCTAssertTrue(all.stderr.contains("--all needs a classifier"), all.stderr)
        let masked = try NLPCommand.run(["score", "--model", try pretrainedBase(arch: "bert"), file])
        XCTAssertEqual(masked.status, 1)
        XCTAssertTrue(masked.stderr.contains("neither a classifier nor a causal language model"), masked.stderr)
    }
}
