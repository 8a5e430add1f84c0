import NLPModels
import XCTest

final class StopStringsTests: XCTestCase {
    func testCutsBeforeAStopSplitAcrossPieces() {
        var stops = StopStrings(["\n\n", "THE END"])
        var out = ""
        for piece in ["Once", " upon a ti", "me TH", "E", " EN", "D and more"] { out += stops.push(piece) }
        XCTAssertEqual(out, "Once upon a time ")
        XCTAssertTrue(stops.stopped)
        XCTAssertEqual(stops.push("later"), "")
    }

    func testHoldsBackOnlyWhatMayStartAStop() {
        var stops = StopStrings(["STOP"])
        XCTAssertEqual(stops.push("go ST"), "go ")
        XCTAssertEqual(stops.push("AY"), "STAY")
        XCTAssertEqual(stops.push("S"), "")
        XCTAssertEqual(stops.finish(), "S", "no stop came: the held text is released")
        XCTAssertFalse(stops.stopped)
    }

    func testEarliestStopWinsAndMultibyteTextSurvives() {
        var stops = StopStrings(["。", "天气"])
        XCTAssertEqual(stops.push("今天天"), "今天")
        XCTAssertEqual(stops.push("气很好。"), "")
        XCTAssertTrue(stops.stopped)
        var none = StopStrings([])
        XCTAssertEqual(none.push("今天天气"), "今天天气")
    }
}
