import XCTest
@testable import NLPTokenizers

final class LineReaderTests: XCTestCase {
    private func write(_ bytes: [UInt8]) -> String {
        let path = NSTemporaryDirectory() + "linereader-\(UUID().uuidString).txt"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func testSplitsOnNewlineOnly() throws {
        let text = "a\r\nb\u{2028}c\u{0}d\n\nlast"
        let reader = try LineReader(path: write(Array(text.utf8)))
        let lines = try reader.map { try $0.text() }
        XCTAssertEqual(lines, ["a\r", "b\u{2028}c\u{0}d", "", "last"])
        XCTAssertNil(reader.error)
    }

    func testTrailingNewlineAddsNoLine() throws {
        XCTAssertEqual(try LineReader(path: write(Array("x\ny\n".utf8))).map(\.number), [1, 2])
        XCTAssertEqual(try LineReader(path: write([])).map(\.number), [])
    }

    func testInvalidUTF8NamesLineAndByte() throws {
        let path = write(Array("ok\n".utf8) + [0x61, 0x62, 0xFF, 0x63] + [0x0A])
        let lines = Array(try LineReader(path: path))
        XCTAssertEqual(try lines[0].text(), "ok")
        XCTAssertThrowsError(try lines[1].text()) { error in
            XCTAssertEqual("\(error)", "\(path):2: invalid UTF-8 at byte 3 of the line (use --lossy to replace it with U+FFFD)")
        }
        XCTAssertEqual(try lines[1].text(lossy: true), "ab\u{FFFD}c")
    }

    func testLongLinesAcrossBufferBoundaries() throws {
        let long = [UInt8](repeating: 0x41, count: 3 << 20)
        let reader = try LineReader(path: write(long + [0x0A] + Array("z".utf8)))
        let lines = Array(reader)
        XCTAssertEqual(lines.map(\.bytes.count), [3 << 20, 1])
    }

    func testOverlongLineIsAnError() throws {
        let reader = try LineReader(path: write([UInt8](repeating: 0x41, count: 5000)), maxLineBytes: 1000)
        XCTAssertNil(reader.next())
        XCTAssertEqual(reader.error?.line, 1)
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try LineReader(path: "/nonexistent/file.txt")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/file.txt: No such file or directory")
        }
        XCTAssertThrowsError(try LineReader(path: "/tmp"))
    }
}
