import XCTest
@testable import NLPTokenizers

final class SegmenterTextTests: XCTestCase {
    private func units(_ s: String) -> [(String, SegmenterUnitKind)] {
        var text = SegmenterText()
        text.load(s)
        let utf8 = Array(s.utf8)
        return (0..<text.unitCount).map { i in
            (String(decoding: utf8[text.utf8Range(units: i..<i + 1)], as: UTF8.self), text.unitKinds[i])
        }
    }

    func testWordsNumbersURLsAndEmailsAreWholeUnits() {
        let u = units("用Swift写，3.5%和１２．５元 it's AT&T https://example.com/a?b=1. 写信给foo.bar@example.org")
        XCTAssertEqual(u.map(\.0), ["用", "Swift", "写", "，", "3.5", "%", "和", "１２．５", "元", "it's", "AT&T",
                                    "https://example.com/a?b=1", ".", "写", "信", "给", "foo.bar@example.org"])
        XCTAssertEqual(u[1].1, .letters)
        XCTAssertEqual(u[4].1, .number)
        XCTAssertEqual(u[7].1, .number)
        XCTAssertEqual(u[11].1, .url)
        XCTAssertEqual(u[16].1, .email)
    }

    func testRunsOfOneMarkAreOneUnitAndSpacesAreNone() {
        XCTAssertEqual(units("好——走……吧  \t\u{3000}！").map(\.0), ["好", "——", "走", "……", "吧", "！"])
        XCTAssertTrue(units("   \u{3000}\t").isEmpty)
        XCTAssertTrue(units("").isEmpty)
    }

    func testDigitsSeparatedByAJoinerThatIsNoDecimalStayApart() {
        XCTAssertEqual(units("0.7-1.6 3,000 10:30 1998年").map(\.0), ["0.7", "-", "1.6", "3,000", "10:30", "1998", "年"])
    }

    func testForcedBoundariesAroundSpacesPunctuationAndURLs() {
        var text = SegmenterText()
        text.load("我 爱，www.a.cn北京")
        // 我 | 爱 | ， | www.a.cn | 北 京
        XCTAssertEqual(text.unitCount, 6)
        XCTAssertEqual(text.forcedBreaks, [true, true, true, true, true, false, true])
    }

    func testNormalizedScalarsKeepOriginalOffsets() {
        var text = SegmenterText()
        let s = "Ａ１　b"
        text.load(s)
        XCTAssertEqual(text.scalars, [0x41, 0x31, 0x20, 0x62])
        XCTAssertEqual(text.unitCount, 2)                       // "Ａ１" (alphanumeric) and "b"
        XCTAssertEqual(text.utf8Range(units: 0..<1), 0..<6)    // two full-width characters, 3 bytes each
        XCTAssertEqual(text.utf8Range(units: 1..<2), 9..<10)   // after the 3-byte U+3000
    }

    func testStandaloneSymbolsGetForcedBoundaries() {
        var text = SegmenterText()
        text.rules = SegmenterRules(symbolPlaces: [0x2103: .alone])
        text.load("10℃左右")
        XCTAssertEqual(text.forcedBreaks, [true, true, true, false, true])
    }
}
