import XCTest
@testable import NLPTokenizers

/// Compares an encoding field by field with HF's (the fixture scripts' `full()` form).
func compareEncoding(_ got: Encoding, _ want: JSON, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(Array(got.ids), want["ids"]?.ints, "\(context): ids", file: file, line: line)
    XCTAssertEqual(got.typeIDs, want["type_ids"]?.ints, "\(context): type ids", file: file, line: line)
    XCTAssertEqual(got.tokens, want["tokens"]?.array?.compactMap(\.string), "\(context): tokens", file: file, line: line)
    XCTAssertEqual(Array(got.offsets), want["offsets"]?.array?.map { Span($0.ints![0], $0.ints![1]) }, "\(context): offsets", file: file, line: line)
    XCTAssertEqual(got.specialTokensMask, want["special_tokens_mask"]?.ints, "\(context): special tokens mask", file: file, line: line)
    XCTAssertEqual(got.attentionMask, want["attention_mask"]?.ints, "\(context): attention mask", file: file, line: line)
    XCTAssertEqual(got.wordIDs, want["word_ids"]?.array?.map(\.int), "\(context): word ids", file: file, line: line)
    XCTAssertEqual(got.sequenceIDs, want["sequence_ids"]?.array?.map(\.int), "\(context): sequence ids", file: file, line: line)
    let overflowing = want["overflowing"]?.array ?? []
    XCTAssertEqual(got.overflowing.count, overflowing.count, "\(context): overflowing count", file: file, line: line)
    for (k, (g, w)) in zip(got.overflowing, overflowing).enumerated() {
        compareEncoding(g, w, "\(context) overflowing[\(k)]", file: file, line: line)
    }
}
