import XCTest
@testable import NLPTokenizers

/// Every pre-tokenizer (as HF serializes it) against HF's pre_tokenize_str: pieces and offsets.
final class PreTokenizerTests: XCTestCase {
    func testPreTokenizersMatchHuggingFace() throws {
        var checked = 0
        for entry in Components.list("pre_tokenizers") {
            let preTokenizer = try XCTUnwrap(try PreTokenizerCoding.load(JSONField(entry["json"]!)))
            XCTAssertEqual(preTokenizer.json, entry["json"]!, "saved form")
            for c in entry["cases"]!.array! {
                let input = c.array![0].string!
                let want = c.array![1].array!.map { ($0.array![0].string!, $0.array![1].ints!) }
                let got = preTokenizer.preTokenize(input)
                XCTAssertEqual(got.map(\.text), want.map(\.0), "\(entry["json"]!) on \(String(reflecting: input))")
                XCTAssertEqual(got.map { [$0.offsets.lowerBound, $0.offsets.upperBound] }, want.map(\.1),
                               "offsets of \(entry["json"]!) on \(String(reflecting: input))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 300)
    }

    func testGPT2PatternByHandEqualsTheRegex() throws {
        // The hand-written scanner and the same pattern through ICU agree on the hard corpus.
        let pattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"
        let regex = try SplitPreTokenizer(pattern: .regex(pattern), behavior: .isolated)
        let byHand = ByteLevel(addPrefixSpace: false, trimOffsets: false, useRegex: true)
        for line in try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt")) {
            let a = regex.preTokenize(line).map(\.offsets), b = byHand.preTokenize(line).map(\.offsets)
            XCTAssertEqual(a, b, String(reflecting: line))
        }
    }

    /// A word segmenter plugs in as a pre-tokenizer.
    func testSegmenterPreTokenizer() {
        struct Pairs: WordSegmenter {
            func wordRanges(in text: String) -> [Range<String.Index>] {
                var out: [Range<String.Index>] = []
                var i = text.startIndex
                while i < text.endIndex {
                    let j = text.index(i, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
                    out.append(i..<j)
                    i = j
                }
                return out
            }
        }
        let p = PreTokenizerSequence([WhitespaceSplit(), SegmenterPreTokenizer(Pairs())])
        let pieces = p.preTokenize("今天天气 很好")
        XCTAssertEqual(pieces.map(\.text), ["今天", "天气", "很好"])
        XCTAssertEqual(pieces.map(\.offsets), [0..<2, 2..<4, 5..<7])
    }
}
