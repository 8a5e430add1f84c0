import XCTest
@testable import NLPTokenizers

final class JSONTests: XCTestCase {
    func testParsesAndWrites() throws {
        let text = #"{"a": [1, -2.5, 3e2, true, false, null], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}}"#
        let value = try JSONParser.parse(text)
        XCTAssertEqual(value["a"], [1, -2.5, 300, true, false, nil])
        XCTAssertEqual(value["s"], .string("q\"\\/\u{8}\u{c}\n\r\té😀"))
        XCTAssertEqual(try JSONParser.parse(JSONWriter.string(value, pretty: true)), value)
        XCTAssertEqual(try JSONParser.parse(JSONWriter.string(value, pretty: false)), value)
        // A lone surrogate becomes U+FFFD, as serde_json would reject and Python would keep.
        XCTAssertEqual(try JSONParser.parse(#""\ud800x""#), .string("\u{FFFD}x"))
    }

    func testErrorsSayWhere() {
        XCTAssertThrowsError(try JSONParser.parse("{\n  \"a\": tru }")) { error in
            XCTAssertEqual("\(error)", "line 2, column 8: unexpected text, expected true")
        }
        XCTAssertThrowsError(try JSONParser.parse("[1, 2")) { error in
            XCTAssertEqual("\(error)", "line 1, column 6: unexpected end of file inside an array")
        }
        XCTAssertThrowsError(try JSONParser.parse(""))
    }
}
