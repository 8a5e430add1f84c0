import XCTest
@testable import NLPTraining

final class StratifiedSplitTests: XCTestCase {
    func testKeepsLabelSharesAndIsReproducible() {
        let items = (0..<1000).map { ($0, $0 % 10 < 7 ? "a" : "b") }  // 700 a, 300 b
        let split = StratifiedSplit(items, label: { $0.1 }, devFraction: 0.1, seed: 42)
        XCTAssertEqual(split.dev.filter { $0.1 == "a" }.count, 70)
        XCTAssertEqual(split.dev.filter { $0.1 == "b" }.count, 30)
        XCTAssertEqual(split.train.count + split.dev.count, 1000)
        XCTAssertEqual(Set(split.train.map(\.0) + split.dev.map(\.0)).count, 1000)
        let again = StratifiedSplit(items, label: { $0.1 }, devFraction: 0.1, seed: 42)
        XCTAssertEqual(again.dev.map(\.0), split.dev.map(\.0))
        let other = StratifiedSplit(items, label: { $0.1 }, devFraction: 0.1, seed: 43)
        XCTAssertNotEqual(other.dev.map(\.0), split.dev.map(\.0))
    }

    func testSmallClassesKeepOneOnEachSide() {
        let items = [("x", "rare"), ("y", "rare"), ("z", "common"), ("w", "common"), ("v", "common")]
        let split = StratifiedSplit(items, label: { $0.1 }, devFraction: 0.1, seed: 1)
        XCTAssertEqual(split.dev.filter { $0.1 == "rare" }.count, 1)
        XCTAssertEqual(split.train.filter { $0.1 == "rare" }.count, 1)
        XCTAssertEqual(split.dev.filter { $0.1 == "common" }.count, 1)
    }
}
