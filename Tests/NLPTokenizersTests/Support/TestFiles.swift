import Foundation
import XCTest
@testable import NLPTokenizers

/// Where the tests find their fixtures, the project's models and ../shared/data.
enum TestFiles {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures")
    static let projectRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let sharedData = projectRoot.appendingPathComponent("../shared/data").standardizedFileURL

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// The lines of a text file, split on `\n` only (a final newline ends the last line).
    static func lines(_ url: URL) throws -> [String] {
        let data = try Data(contentsOf: url)
        // Split the bytes: as Characters, "\r\n" is one grapheme and would not split.
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func jsonLines(_ url: URL) throws -> [JSON] {
        try lines(url).map { try JSONParser.parse($0) }
    }

    /// A file under ../shared/data or models/, or an XCTSkip saying it is missing.
    static func required(_ url: URL, _ what: String) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(what) is missing (\(url.path)); run make setup / see ../shared/data")
        }
        return url
    }

    static func miniLM() throws -> Tokenizer {
        try Tokenizer(contentsOfFile: required(projectRoot.appendingPathComponent("models/all-MiniLM-L6-v2/tokenizer.json"),
                                               "all-MiniLM-L6-v2").path)
    }

    static func gpt2() throws -> Tokenizer {
        try Tokenizer(contentsOfFile: required(sharedData.appendingPathComponent("vocab/gpt2/tokenizer.json"), "GPT-2 tokenizer").path)
    }

    /// bert-base-chinese from its vocab.txt, with the settings the fixture script used.
    static func bertChinese() throws -> Tokenizer {
        let vocab = try required(sharedData.appendingPathComponent("vocab/bert-base-chinese/vocab.txt"), "bert-base-chinese vocab")
        return try Tokenizer.bertWordPiece(vocabularyFile: vocab.path, lowercase: false)
    }

    /// The three parity tokenizers by fixture name, padding and truncation off.
    static func parityTokenizers() throws -> [(String, Tokenizer)] {
        var list = [("minilm", try miniLM()), ("gpt2", try gpt2()), ("bert_chinese", try bertChinese())]
        for k in list.indices {
            list[k].1.padding = nil
            list[k].1.truncation = nil
        }
        return list
    }
}

extension JSON {
    subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var int: Int? { if case .number(let d) = self { return Int(d) } else { return nil } }
    var ints: [Int]? { array?.compactMap(\.int) }
}
