import XCTest
@testable import NLPTokenizers

/// A batch's encodings share blocks of records that later batches reuse: an encoding must keep its
/// tokens while it lives, and a change to one must not show in another.
final class TokenRecordsTests: XCTestCase {
    func testABatchEncodingOutlivesTheBatchAndLaterBatches() throws {
        var t = try TestFiles.miniLM()
        t.padding = nil
        let lines = (0..<3000).map { "line \($0) of the first batch, with some words" }
        var kept: Encoding?
        do {
            let batch = t.encodeBatch(lines, threads: 2)
            kept = batch[1234]
        }
        // These batches take the blocks the first one left (all but the one `kept` lives in).
        for round in 0..<3 {
            let other = (0..<3000).map { "round \(round): quite different text \($0) \($0 * 7)" }
            let batch = t.encodeBatch(other, threads: 2)
            XCTAssertEqual(batch[17], t.encode(other[17]))
        }
        XCTAssertEqual(kept, t.encode(lines[1234]))
    }

    func testChangingOneBatchEncodingLeavesItsNeighboursAlone() throws {
        var t = try TestFiles.miniLM()
        t.padding = nil
        let lines = ["one two three", "four", "five six"]
        var batch = t.encodeBatch(lines, threads: 1)
        let before = batch
        batch[1].pad(to: 8, id: 0, typeID: 0, token: "[PAD]", direction: .right)
        batch[0].setTypeIDs(1)
        XCTAssertEqual(batch[1].count, 8)
        XCTAssertEqual(batch[0].typeIDs, Array(repeating: 1, count: 5))
        XCTAssertEqual(batch[2], before[2])
        XCTAssertEqual(before[0].typeIDs, Array(repeating: 0, count: 5))
        XCTAssertEqual(before[1].count, 3)
        XCTAssertEqual(before[1], t.encode(lines[1]))
    }

    func testRecordsCopyOnWriteAndSlicesShare() {
        var a = TokenRecords()
        for i in 0..<10 { a.append(TokenRecord(id: i, span: Span(i, i + 1), word: i, typeID: 0, special: false)) }
        let b = a
        let middle = a.extracting(3..<6)
        a[4].id = 99
        XCTAssertEqual(b[4].id, 4)
        XCTAssertEqual(middle.map(\.id), [3, 4, 5])
        var m = middle
        m.append(contentsOf: b.extracting(0..<2))
        XCTAssertEqual(m.map(\.id), [3, 4, 5, 0, 1])
        XCTAssertEqual(b.map(\.id), Array(0..<10).map(Int32.init))
        m.prepend(b[9], count: 2)
        XCTAssertEqual(m.map(\.id), [9, 9, 3, 4, 5, 0, 1])
        XCTAssertEqual(a.count, 10)
        XCTAssertEqual(a[4].id, 99)
    }
}
