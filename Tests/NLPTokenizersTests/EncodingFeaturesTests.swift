import Foundation
import XCTest
@testable import NLPTokenizers

/// Pairs, truncation (every strategy, stride, both directions, overflowing parts) and padding,
/// compared field by field with HF's encodings (features_<name>.jsonl from the fixture script).
final class EncodingFeaturesTests: XCTestCase {
    private func configure(_ t: inout Tokenizer, _ row: JSON, padToken: String) {
        t.truncation = nil
        t.padding = nil
        if case .object = row["truncation"] ?? .null, let r = row["truncation"] {
            let strategy: Truncation.Strategy = [
                "longest_first": .longestFirst, "only_first": .onlyFirst, "only_second": .onlySecond,
            ][r["strategy"]?.string ?? "longest_first"]!
            t.truncation = Truncation(maxLength: r["max_length"]!.int!, strategy: strategy, stride: r["stride"]?.int ?? 0,
                                      direction: r["direction"]?.string == "left" ? .left : .right)
        }
        if case .object = row["padding"] ?? .null, let p = row["padding"] {
            t.padding = Padding(strategy: p["length"]?.int.map { .fixed($0) } ?? .batchLongest,
                                direction: p["direction"]?.string == "left" ? .left : .right,
                                padToMultipleOf: p["pad_to_multiple_of"]?.int,
                                padID: t.id(forToken: padToken)!, padTypeID: 0, padToken: padToken)
        }
    }

    private func compare(_ got: Encoding, _ want: JSON, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.ids, want["ids"]?.ints, "\(context): ids", file: file, line: line)
        XCTAssertEqual(got.typeIDs, want["type_ids"]?.ints, "\(context): type ids", file: file, line: line)
        XCTAssertEqual(got.tokens, want["tokens"]?.array?.compactMap(\.string), "\(context): tokens", file: file, line: line)
        XCTAssertEqual(got.offsets, want["offsets"]?.array?.map { Span($0.ints![0], $0.ints![1]) }, "\(context): offsets", file: file, line: line)
        XCTAssertEqual(got.specialTokensMask, want["special_tokens_mask"]?.ints, "\(context): special tokens mask", file: file, line: line)
        XCTAssertEqual(got.attentionMask, want["attention_mask"]?.ints, "\(context): attention mask", file: file, line: line)
        XCTAssertEqual(got.wordIDs, want["word_ids"]?.array?.map(\.int), "\(context): word ids", file: file, line: line)
        XCTAssertEqual(got.sequenceIDs, want["sequence_ids"]?.array?.map(\.int), "\(context): sequence ids", file: file, line: line)
        let overflowing = want["overflowing"]?.array ?? []
        XCTAssertEqual(got.overflowing.count, overflowing.count, "\(context): overflowing count", file: file, line: line)
        for (k, (g, w)) in zip(got.overflowing, overflowing).enumerated() {
            compare(g, w, "\(context) overflowing[\(k)]", file: file, line: line)
        }
    }

    func testPairsTruncationAndPaddingMatchHuggingFace() throws {
        var checked = 0, skipped = 0
        for (name, base) in try TestFiles.parityTokenizers() {
            let padToken = name == "gpt2" ? "<|endoftext|>" : "[PAD]"
            for row in try TestFiles.jsonLines(TestFiles.fixture("features_\(name).jsonl")) {
                var t = base
                configure(&t, row, padToken: padToken)
                let a = row["first"]!.string!, b = row["second"]!.string!
                let context = "\(name) \(row["config"]!.string!) \(String(reflecting: a)) + \(String(reflecting: b))"
                let cases: [(String, () -> Encoding)] = [
                    ("single", { t.encode(a) }), ("pair", { t.encode(a, pair: b) }),
                    ("pair_without_special_tokens", { t.encode(a, pair: b, addSpecialTokens: false) }),
                ]
                for (key, run) in cases {
                    guard let want = row[key] else { continue }
                    if want["error"] != nil { skipped += 1; continue }
                    compare(run(), want, "\(context) \(key)")
                    checked += 1
                }
                if let want = row["batch"], want["error"] == nil {
                    let got = t.encodeBatch([a, b, a + " " + b], threads: 2)
                    for (k, w) in (want.array ?? []).enumerated() { compare(got[k], w, "\(context) batch[\(k)]") }
                    checked += 1
                } else {
                    skipped += 1
                }
            }
        }
        print("encoding features: \(checked) cases compared, \(skipped) skipped where HF raises")
    }
}
