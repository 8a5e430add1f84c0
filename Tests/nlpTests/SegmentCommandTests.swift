import Foundation
import XCTest

final class SegmentCommandTests: XCTestCase {
    func testOneOutputLinePerInputLineEmptyStaysEmpty() throws {
        let input = "我们喜欢北京。\n\n   \u{3000}\nNLP toolkit很快\n"
        for mode in ["tagger", "dict"] {
            let result = try NLPCommand.run(["segment", "--mode", mode], input: Data(input.utf8))
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stdout, "我们 喜欢 北京 。\n\n\nNLP toolkit 很快\n", mode)
        }
    }

    func testLastLineWithoutNewlineAndFileArgument() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("in.txt")
        try Data("他说的确实在理".utf8).write(to: file)
        let result = try NLPCommand.run(["segment", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "他 说 的 确实 在理\n")
    }

    func testICUBackend() throws {
        let result = try NLPCommand.run(["segment", "--backend", "icu"], input: Data("我用Swift写代码。\n".utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(" Swift "), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(" 。\n"), result.stdout)
    }

    func testUserDictionaryAndSearchMode() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dict = dir.appendingPathComponent("user.txt")
        try Data("区块链\n".utf8).write(to: dict)
        let user = try NLPCommand.run(["segment", "--dict", dict.path], input: Data("区块链技术\n".utf8))
        XCTAssertEqual(user.stdout, "区块链 技术\n", user.stderr)
        let search = try NLPCommand.run(["segment", "--search"], input: Data("中华人民共和国\n".utf8))
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("人民 ") && search.stdout.hasSuffix("中华人民共和国\n"), search.stdout)
    }

    func testInvalidUTF8IsOneErrorLineWithTheLineNumber() throws {
        let result = try NLPCommand.run(["segment"], input: Data([0xE4, 0xBD, 0xA0, 0x0A, 0x61, 0xFF, 0x62, 0x0A]))
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("nlp: error: <stdin>:2: invalid UTF-8 at byte 2"), result.stderr)
    }

    func testLossyReplacesInvalidUTF8AndSegmentsTheRest() throws {
        // "你" then a truncated four-byte sequence (F0 9F 98): one U+FFFD of the same byte length.
        let result = try NLPCommand.run(["segment", "--lossy"], input: Data([0xE4, 0xBD, 0xA0, 0x0A, 0x61, 0xFF, 0x62, 0x0A, 0xF0, 0x9F, 0x98, 0x0A]))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("你\n"), result.stdout)
        XCTAssertEqual(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 4, result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("\n\u{FFFD}\n"), result.stdout)
        XCTAssertNotNil(String(validatingUTF8: Array(result.stdoutBytes.map { CChar(bitPattern: $0) }) + [0]),
                        "the output is valid UTF-8: the repaired text was segmented, not the raw bytes")
    }

    func testEmptyFileIsAnErrorEmptyStandardInputIsNot() throws {
        let dir = try NLPCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        let tokenizer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("vocab/chinese-bert-char/tokenizer.json").path
        for command in [["segment"], ["tokenize", "--tokenizer", tokenizer]] {
            let result = try NLPCommand.run(command + [empty.path])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(result.stderr, "nlp: error: \(empty.path): is empty; expected one text a line\n")
        }
        let piped = try NLPCommand.run(["segment"], input: Data())
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, "")
    }

    func testUsageErrors() throws {
        XCTAssertEqual(try NLPCommand.run(["segment", "--backend", "icu", "--mode", "dict"], input: Data()).status, 2)
        XCTAssertEqual(try NLPCommand.run(["segment", "--mode", "fast"], input: Data()).status, 2)
        let missing = try NLPCommand.run(["segment", "/no/such/file.txt"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/no/such/file.txt"), missing.stderr)
        let noModel = try NLPCommand.run(["segment", "--model", "/no/such/model"], input: Data("你好\n".utf8))
        XCTAssertEqual(noModel.status, 1)
        XCTAssertTrue(noModel.stderr.contains("segmenter model folder"), noModel.stderr)
    }
}
