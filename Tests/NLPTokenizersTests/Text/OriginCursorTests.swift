import XCTest
@testable import NLPTokenizers

/// OriginCursor counts lead bytes up to eight at a time; it must give the character of every byte
/// exactly as counting byte by byte does, for any mix of 1- to 4-byte characters, any step length
/// (repeated, short and long), and up to the split's last byte.
final class OriginCursorTests: XCTestCase {
    func testCharacterOfEachQueriedByteMatchesCountingByteByByte() {
        var rng = SystemRandomNumberGenerator()
        let scalars: [Unicode.Scalar] = ["a", " ", "é", "ß", "中", "文", "\u{FFFD}", "😀", "\u{200D}", "\u{1F3FD}", "\t"]
        for _ in 0..<2000 {
            let prefix = String(String.UnicodeScalarView((0..<Int.random(in: 0...6, using: &rng)).map { _ in scalars.randomElement(using: &rng)! }))
            let body = String(String.UnicodeScalarView((0..<Int.random(in: 1...40, using: &rng)).map { _ in scalars.randomElement(using: &rng)! }))
            let bytes = Array((prefix + body).utf8)
            // The region is the whole text; the split is its tail after `prefix` (the cursor reads from
            // the region's start and never at or past the split's end).
            let regionCharacter = Int32.random(in: 0...1000, using: &rng)
            let split = Split(start: Int32(prefix.utf8.count), end: Int32(bytes.count), regionStart: 0,
                              alignmentBase: -1, regionCharacter: regionCharacter)
            var expected: [Int32] = []
            var leads: Int32 = 0
            for b in bytes {
                if b & 0xC0 != 0x80 { leads += 1 }
                expected.append(regionCharacter + leads - 1)
            }
            var cursor = OriginCursor(split)
            var x = Int(split.start)
            bytes.withUnsafeBufferPointer { p in
                while x < bytes.count {
                    XCTAssertEqual(cursor.character(of: x, p.baseAddress!), expected[x], "byte \(x) of \(bytes)")
                    x += [0, 1, 1, 2, 3, 5, 9, 17].randomElement(using: &rng)!
                }
                if bytes.count > Int(split.start) {
                    XCTAssertEqual(cursor.character(of: bytes.count - 1, p.baseAddress!), expected[bytes.count - 1])
                }
            }
        }
    }
}
