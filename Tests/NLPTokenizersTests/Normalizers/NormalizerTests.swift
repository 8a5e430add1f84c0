import XCTest
@testable import NLPTokenizers

/// Every normalizer (as HF serializes it) against HF's normalize_str on hard strings.
final class NormalizerTests: XCTestCase {
    func testNormalizersMatchHuggingFace() throws {
        var checked = 0
        for entry in Components.list("normalizers") {
            let normalizer = try XCTUnwrap(try NormalizerCoding.load(JSONField(entry["json"]!)))
            XCTAssertEqual(normalizer.json, entry["json"]!, "saved form of \(entry["json"]!)")
            for c in entry["cases"]!.array! {
                let input = c.array![0].string!, want = c.array![1].string!
                XCTAssertEqual(normalizer.normalize(input), want, "\(entry["json"]!["type"]!.string!) of \(String(reflecting: input))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 200)
    }

    func testAlignmentsFollowHuggingFaceRules() {
        // NFD: both pieces of é align to é; the prefix takes the first character's alignment.
        var text = NormalizedString("aé")
        UnicodeNormalizer(.nfd).normalize(&text)
        XCTAssertEqual(text.alignments.map(\.start), [0, 1, 1, 1])
        Prepend("▁").normalize(&text)
        XCTAssertEqual(text.originalRange(ofBytes: 0..<3), 0..<1)
        // NFC: the composed character takes the alignment of its first part.
        var decomposed = NormalizedString("e\u{301}x")
        UnicodeNormalizer(.nfc).normalize(&decomposed)
        XCTAssertEqual(decomposed.string, "éx")
        XCTAssertEqual(decomposed.originalRange(ofBytes: 0..<2), 0..<1)
        XCTAssertEqual(decomposed.originalRange(ofBytes: 2..<3), 2..<3)
    }
}
