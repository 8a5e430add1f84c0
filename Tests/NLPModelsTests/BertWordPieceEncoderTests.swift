import Foundation
import NLPModels
import NLPTensor
import XCTest

/// The interim WordPiece encoder against the ids Hugging Face's tokenizer gave sentence-transformers
/// for the 500 fixture sentences (English and Chinese).
final class BertWordPieceEncoderTests: XCTestCase {
    func testIdsMatchHuggingFaceOnTheFixtureSentences() throws {
        let folder = try TestPaths.requireMiniLM()
        let encoder = try BertWordPieceEncoder(tokenizerFile: folder + "/tokenizer.json")
        let text = try String(contentsOfFile: TestPaths.fixture("minilm_sentences.txt"), encoding: .utf8)
        let sentences = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(sentences.count, 500)
        let reference = try SafetensorsFile(contentsOf: TestPaths.fixture("minilm_reference.safetensors"))
        let ids = try reference.integers(named: "all_ids").map(Int32.init)
        let lengths = try reference.integers(named: "all_lengths")
        let ours = try encoder.encodeBatch(sentences, maxLength: 256)
        var start = 0, mismatches = 0
        for (i, n) in lengths.enumerated() {
            let expected = Array(ids[start..<start + n])
            start += n
            if ours[i] != expected {
                mismatches += 1
                if mismatches <= 3 { XCTFail("sentence \(i): \(ours[i].prefix(20)) vs \(expected.prefix(20))") }
            }
        }
        print("WordPiece ids equal to Hugging Face's on \(500 - mismatches)/500 sentences")
        XCTAssertEqual(mismatches, 0)
    }

    func testRefusesOtherTokenizers() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bpe-\(UUID().uuidString).json").path
        try Data(#"{"model": {"type": "BPE", "vocab": {}}}"#.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        XCTAssertThrowsError(try BertWordPieceEncoder(tokenizerFile: file))
    }
}
