import Foundation
import XCTest

/// `nlp tokenize`, `nlp decode` and `nlp train-tokenizer` run as a user would run them.
final class TokenizerCommandTests: XCTestCase {
    private var projectRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func referenceTokenizer(_ relativePath: String) throws -> String {
        let path = projectRoot.appendingPathComponent(relativePath).path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) is absent (run make setup)") }
        return path
    }

    func testTokenizeMiniLMIdsTokensAndJSONLines() throws {
        let minilm = try referenceTokenizer("models/all-MiniLM-L6-v2/tokenizer.json")
        // HF: [CLS] hello , world ! [SEP]; the second line holds a \r, which is part of its text.
        let input = Data("Hello, world!\nA\rB\n".utf8)
        let ids = try NLPCommand.run(["tokenize", "--tokenizer", minilm], input: input)
        XCTAssertEqual(ids.status, 0, ids.stderr)
        XCTAssertEqual(ids.stdout, "101 7592 1010 2088 999 102\n101 1037 1038 102\n")

        let tokens = try NLPCommand.run(["tokenize", "--tokenizer", minilm, "--format", "tokens", "--no-special"], input: input)
        XCTAssertEqual(tokens.stdout, "hello , world !\na b\n")

        let jsonl = try NLPCommand.run(["tokenize", "--tokenizer", minilm, "--format", "jsonl"], input: Data("Héllo".utf8))
        XCTAssertEqual(jsonl.stdout, #"{"ids":[101,7592,102],"tokens":["[CLS]","hello","[SEP]"],"offsets":[[0,0],[0,5],[0,0]]}"# + "\n")
    }

    func testTokenizeAndDecodeGPT2() throws {
        let gpt2 = try referenceTokenizer("../shared/data/vocab/gpt2/tokenizer.json")
        let ids = try NLPCommand.run(["tokenize", "--tokenizer", gpt2], input: Data("Hello world\n".utf8))
        XCTAssertEqual(ids.stdout, "15496 995\n", ids.stderr)
        let text = try NLPCommand.run(["decode", "--tokenizer", gpt2], input: Data("15496 995\n".utf8))
        XCTAssertEqual(text.stdout, "Hello world\n", text.stderr)
        let bad = try NLPCommand.run(["decode", "--tokenizer", gpt2], input: Data("15496\n99999999\n".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains(":2: id 99999999 is not in the tokenizer's vocabulary"), bad.stderr)
    }

    func testInvalidUTF8IsReportedWithItsLineOrReplacedUnderLossy() throws {
        let minilm = try referenceTokenizer("models/all-MiniLM-L6-v2/tokenizer.json")
        let input = Data("fine\n".utf8) + Data([0x61, 0xFF, 0x62, 0x0A])
        let strict = try NLPCommand.run(["tokenize", "--tokenizer", minilm], input: input)
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.hasPrefix("nlp: error: "), strict.stderr)
        XCTAssertTrue(strict.stderr.contains(":2:"), strict.stderr)
        XCTAssertEqual(strict.stderr.split(separator: "\n").count, 1, strict.stderr)
        let lossy = try NLPCommand.run(["tokenize", "--tokenizer", minilm, "--lossy", "--format", "tokens", "--no-special"], input: input)
        XCTAssertEqual(lossy.status, 0, lossy.stderr)
        XCTAssertEqual(lossy.stdout, "fine\nab\n")   // clean_text drops the U+FFFD
    }

    func testABadLineInAFileStopsBeforeAnyOutput() throws {
        let minilm = try referenceTokenizer("models/all-MiniLM-L6-v2/tokenizer.json")
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("lines.txt")
        try (Data("fine\nalso fine\n".utf8) + Data([0x61, 0xFF, 0x62, 0x0A])).write(to: file)
        let strict = try NLPCommand.run(["tokenize", "--tokenizer", minilm, file.path])
        XCTAssertEqual(strict.status, 1)
        XCTAssertEqual(strict.stdout, "", "nothing is written before the bad line is found")
        XCTAssertTrue(strict.stderr.hasPrefix("nlp: error: \(file.path):3: invalid UTF-8 at byte 2"), strict.stderr)
        let lossy = try NLPCommand.run(["tokenize", "--tokenizer", minilm, "--lossy", "--format", "tokens", "--no-special", file.path])
        XCTAssertEqual(lossy.stdout, "fine\nalso fine\nab\n", lossy.stderr)
    }

    func testMalformedTokenizerNamesTheField() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("tokenizer.json").path
        try Data(#"{"version": "1.0", "model": {"type": "WordPiece"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let result = try NLPCommand.run(["tokenize", "--tokenizer", path], input: Data("x\n".utf8))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("model.vocab"), result.stderr)
    }

    func testTrainWordPieceThenTokenizeAndDecode() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.txt")
        let lines = (0..<200).map { "the cat sat on the mat number \($0 % 7) while the dog ran" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: corpus)
        let output = dir.appendingPathComponent("tokenizer.json").path
        let train = try NLPCommand.run(["train-tokenizer", "--model", "wordpiece", "--vocab-size", "120", "-o", output, corpus.path])
        XCTAssertEqual(train.status, 0, train.stderr)
        let tokens = try NLPCommand.run(["tokenize", "--tokenizer", output, "--format", "tokens"], input: Data("The cat ran\n".utf8))
        XCTAssertEqual(tokens.stdout, "[CLS] the cat ran [SEP]\n", tokens.stderr)
        let ids = try NLPCommand.run(["tokenize", "--tokenizer", output], input: Data("The cat ran\n".utf8))
        let text = try NLPCommand.run(["decode", "--tokenizer", output], input: Data(ids.stdout.utf8))
        XCTAssertEqual(text.stdout, "the cat ran\n", text.stderr)

        let usage = try NLPCommand.run(["train-tokenizer", "--model", "bpe", "-o", output, corpus.path])
        XCTAssertEqual(usage.status, 2, "a missing --vocab-size is a usage error")
    }
}
