/// The character classes the pipeline stages test, each exactly as Hugging Face tokenizers defines it
/// (see UnicodeClassData.swift for where the sets come from). 16 bits of flags per code point, in a
/// two-stage table: 4,352 blocks of 256 code points, identical blocks stored once.
public struct UnicodeClass: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Rust's `char::is_whitespace` (the same 25 characters as Oniguruma's `\s`).
    public static let whitespace = UnicodeClass(rawValue: 1 << 0)
    /// Removed by BertNormalizer's clean_text (the old `unicode_categories` "other" set).
    public static let bertRemoved = UnicodeClass(rawValue: 1 << 1)
    /// BertPreTokenizer / Punctuation: ASCII punctuation or a `unicode_categories` P* character.
    public static let punctuation = UnicodeClass(rawValue: 1 << 2)
    /// Removed by BertNormalizer's strip_accents after NFD (`unicode_categories`' Mn).
    public static let bertMark = UnicodeClass(rawValue: 1 << 3)
    /// Oniguruma `\p{L}`.
    public static let letter = UnicodeClass(rawValue: 1 << 4)
    /// Oniguruma `\p{N}`.
    public static let number = UnicodeClass(rawValue: 1 << 5)
    /// Oniguruma `\w`.
    public static let word = UnicodeClass(rawValue: 1 << 6)
    /// Rust's `char::is_numeric` (the Digits pre-tokenizer).
    public static let numeric = UnicodeClass(rawValue: 1 << 7)
    /// Removed by the StripAccents normalizer (combining marks: Mn, Mc, Me).
    public static let combiningMark = UnicodeClass(rawValue: 1 << 8)
    /// Changed by HF's NFD (the normalizers skip the decomposition tables for other characters).
    public static let decomposes = UnicodeClass(rawValue: 1 << 9)
    /// Changed by HF's Lowercase.
    public static let changesInLowercase = UnicodeClass(rawValue: 1 << 10)

    /// The classes of one code point.
    @inline(__always)
    public static func of(_ scalar: UInt32) -> UnicodeClass {
        UnicodeClass(rawValue: UnicodeClassTable.shared.flags(scalar))
    }

    /// True for the CJK ideograph blocks BertNormalizer pads with spaces (HF's `is_chinese_char`).
    @inline(__always)
    public static func isChineseCharacter(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The flag table behind `UnicodeClass`, built once from the range lists on first use.
final class UnicodeClassTable: @unchecked Sendable {
    static let shared = UnicodeClassTable()

    private let blockIndex: UnsafeMutablePointer<UInt16>   // 0x1100 entries
    private let blocks: UnsafeMutablePointer<UInt16>        // unique blocks × 256
    /// Flags of the 128 ASCII characters, for the hot loops' fast path.
    let ascii: UnsafeMutablePointer<UInt16>

    private init() {
        let count = 0x110000
        let flat = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
        flat.initialize(repeating: 0, count: count)
        defer { flat.deallocate() }
        let sources: [(String, UnicodeClass)] = [
            (UnicodeClassData.whitespace, .whitespace), (UnicodeClassData.bertRemoved, .bertRemoved),
            (UnicodeClassData.punctuation, .punctuation), (UnicodeClassData.bertMark, .bertMark),
            (UnicodeClassData.combiningMark, .combiningMark),
            (UnicodeClassData.letter, .letter), (UnicodeClassData.number, .number),
            (UnicodeClassData.word, .word), (UnicodeClassData.numeric, .numeric),
            (UnicodeClassData.nfdChanges, .decomposes), (UnicodeClassData.lowercaseChanges, .changesInLowercase),
        ]
        for (text, flag) in sources {
            UnicodeClassTable.forEachRange(text) { low, high in
                for c in low...high { flat[Int(c)] |= flag.rawValue }
            }
        }
        // Identical blocks stored once, found by a cheap hash of each block's words.
        let blockCount = count >> 8
        blockIndex = .allocate(capacity: blockCount)
        var uniqueStarts: [Int] = []          // block number of each unique block's first occurrence
        var byHash: [UInt64: [UInt16]] = [:]  // hash → unique block indices
        for b in 0..<blockCount {
            let block = flat + (b << 8)
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for k in 0..<256 { h = (h ^ UInt64(block[k])) &* 0x100_0000_01B3 }
            var found: UInt16?
            for candidate in byHash[h] ?? [] where memcmp(flat + (uniqueStarts[Int(candidate)] << 8), block, 512) == 0 {
                found = candidate
                break
            }
            if let found {
                blockIndex[b] = found
            } else {
                let i = UInt16(uniqueStarts.count)
                uniqueStarts.append(b)
                byHash[h, default: []].append(i)
                blockIndex[b] = i
            }
        }
        let storage = UnsafeMutablePointer<UInt16>.allocate(capacity: uniqueStarts.count * 256)
        for (i, b) in uniqueStarts.enumerated() {
            (storage + i * 256).initialize(from: flat + (b << 8), count: 256)
        }
        blocks = storage
        ascii = .allocate(capacity: 128)
        ascii.initialize(from: flat, count: 128)
    }

    @inline(__always)
    func flags(_ c: UInt32) -> UInt16 {
        if c < 128 { return ascii[Int(c)] }
        if c >= 0x110000 { return 0 }
        return blocks[Int(blockIndex[Int(c >> 8)]) << 8 | Int(c & 0xFF)]
    }

    /// Parses "41-5A 61 …" (hex code points and ranges, separated by spaces or newlines).
    static func forEachRange(_ text: String, _ body: (UInt32, UInt32) -> Void) {
        var low: UInt32 = 0, value: UInt32 = 0, inRange = false, hasDigits = false
        func finish() {
            if hasDigits { if inRange { body(low, value) } else { body(value, value) } }
            value = 0; inRange = false; hasDigits = false
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt32(byte - 48); hasDigits = true
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt32(byte - 55); hasDigits = true
            case UInt8(ascii: "-"): low = value; value = 0; inRange = true
            default: finish()
            }
        }
        finish()
    }
}
