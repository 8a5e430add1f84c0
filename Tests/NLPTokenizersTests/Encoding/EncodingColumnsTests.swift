import XCTest
@testable import NLPTokenizers

/// `Encoding.ids` / `.offsets` are views of the encoding's one token buffer: they must read as the
/// arrays they replace, and survive the encoding being changed or dropped.
final class EncodingColumnsTests: XCTestCase {
    func testColumnsReadLikeArrays() throws {
        var t = try TestFiles.miniLM()
        t.padding = nil   // the file pads to 128
        let e = t.encode("Hello, world!")
        XCTAssertEqual(e.ids, [101, 7592, 1010, 2088, 999, 102])
        XCTAssertTrue(e.ids == [101, 7592, 1010, 2088, 999, 102] as [Int])
        XCTAssertEqual(Array(e.offsets), [Span(0, 0), Span(0, 5), Span(5, 6), Span(7, 12), Span(12, 13), Span(0, 0)])
        XCTAssertEqual(e.ids.count, e.count)
        XCTAssertEqual(e.ids.description, "[101, 7592, 1010, 2088, 999, 102]")
        XCTAssertEqual(Array(e.ids.dropFirst().prefix(2)), [7592, 1010])
        XCTAssertEqual(zip(e.ids, e.offsets).map { $0.1.end }, [0, 5, 6, 12, 13, 0])
        XCTAssertEqual(t.decode(e.ids), "hello, world!")
        XCTAssertNotEqual(e.ids, t.encode("Hello").ids)
    }

    func testAViewKeepsItsTokensWhenTheEncodingChanges() throws {
        var t = try TestFiles.miniLM()
        t.padding = nil
        var e = t.encode("one two three")
        let ids = e.ids, offsets = e.offsets
        e.pad(to: 12, id: 0, typeID: 0, token: "[PAD]", direction: .left)
        XCTAssertEqual(e.count, 12)
        XCTAssertEqual(ids.count, 5)
        XCTAssertEqual(Array(e.ids.suffix(5)), Array(ids))
        XCTAssertEqual(Array(e.offsets.suffix(5)), Array(offsets))
        XCTAssertEqual(e.attentionMask, Array(repeating: 0, count: 7) + Array(repeating: 1, count: 5))
        let batch = t.encodeBatch(["one two three", "four"], threads: 2).map(\.ids)
        XCTAssertEqual(batch[0], ids)
        XCTAssertEqual(batch[1].count, 3)
    }
}
