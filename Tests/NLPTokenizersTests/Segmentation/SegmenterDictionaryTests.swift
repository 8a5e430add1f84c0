import XCTest
@testable import NLPTokenizers

final class SegmenterDictionaryTests: XCTestCase {
    func testNormalizesFullWidthAndSumsDuplicates() {
        let d = SegmenterDictionary(entries: [(word: "１９９８年", frequency: 2), (word: "1998年", frequency: 3),
                                              (word: "北京", frequency: 5), (word: "", frequency: 1), (word: "坏", frequency: 0)])
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(d.frequency(of: "1998年"), 5)
        XCTAssertEqual(d.frequency(of: "１９９８年"), 5)
        XCTAssertEqual(d.totalFrequency, 10)
        XCTAssertNil(d.frequency(of: "北"))
        XCTAssertNil(d.frequency(of: "坏"))
    }

    func testWritesAndReadsJiebaFormat() throws {
        let dir = try SegmenterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dict.txt").path
        let d = SegmenterDictionary(entries: [(word: "北京", frequency: 5), (word: "大学", frequency: 2.5)])
        try d.write(to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "北京 5\n大学 2.5\n")
        let back = try SegmenterDictionary.load(contentsOf: path)
        XCTAssertEqual(back.frequency(of: "大学"), 2.5)

        try "# user words\n云计算\n区块链 7 n\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        let entries = try SegmenterDictionary.readEntries(path: path)
        XCTAssertEqual(entries.map(\.word), ["云计算", "区块链"])
        XCTAssertEqual(entries.map(\.frequency), [nil, 7])
    }

    func testBadFrequencyNamesTheLine() throws {
        let dir = try SegmenterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dict.txt").path
        try "北京 5\n大学 many\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SegmenterDictionary.readEntries(path: path)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.line, 2)
            XCTAssertTrue(e?.message.contains("positive frequency") ?? false, "\(error)")
        }
    }
}
