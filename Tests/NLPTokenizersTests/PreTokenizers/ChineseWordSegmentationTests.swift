import XCTest
@testable import NLPTokenizers

/// The Chinese segmenter as a pre-tokenizer: words with character offsets, inside a tokenizer.json.
final class ChineseWordSegmentationTests: XCTestCase {
    private static let tokenizerJSON = """
    {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
     "normalizer": null,
     "pre_tokenizer": {"type": "ChineseWordSegmentation", "mode": "dict", "search_mode": false, "model": null},
     "post_processor": null, "decoder": null,
     "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "我": 1, "爱": 2, "北京": 3, "天安门": 4, "hello": 5},
               "unk_token": "[UNK]"}}
    """

    func testSplitsChineseIntoWordsWithCharacterOffsets() throws {
        let segmentation = try ChineseWordSegmentation()
        let pieces = segmentation.preTokenize("北京天安门 hello")
        XCTAssertEqual(pieces.map(\.text), ["北京", "天安门", "hello"])
        XCTAssertEqual(pieces.map(\.offsets), [0..<2, 2..<5, 6..<11])
    }

    func testRunsInATokenizerAndRoundTripsThroughTokenizerJSON() throws {
        let tokenizer = try Tokenizer(jsonString: Self.tokenizerJSON)
        let encoding = tokenizer.encode("北京天安门 hello 上海")
        XCTAssertEqual(encoding.ids, [3, 4, 5, 0])
        XCTAssertEqual(encoding.offsets.map { $0.start..<$0.end }, [0..<2, 2..<5, 6..<11, 12..<14])
        let saved = tokenizer.jsonString()
        XCTAssertTrue(saved.contains("\"ChineseWordSegmentation\""), saved)
        let again = try Tokenizer(jsonString: saved)
        XCTAssertEqual(again.encode("北京天安门 hello 上海"), encoding)
        // Shared by threads like any pre-tokenizer.
        let lines = Array(repeating: "北京天安门 hello 上海", count: 64)
        XCTAssertEqual(tokenizer.encodeBatch(lines, threads: 2), Array(repeating: encoding, count: 64))
    }

    func testBadModeNamesTheField() {
        let json = Self.tokenizerJSON.replacingOccurrences(of: "\"mode\": \"dict\"", with: "\"mode\": \"fast\"")
        XCTAssertThrowsError(try Tokenizer(jsonString: json)) { error in
            XCTAssertTrue("\(error)".contains("pre_tokenizer.mode"), "\(error)")
        }
    }
}
