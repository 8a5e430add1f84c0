/// How the segmenters see one Unicode scalar. Classification works on the normalized scalar (see
/// `SegmenterCharacters.normalized`), so full-width and half-width forms behave the same.
public enum SegmenterCharacterClass: UInt8 {
    /// Never part of a word and always a boundary (ASCII and Unicode spaces, U+3000, zero-width space).
    case space
    /// 0-9.
    case digit
    /// Letters of alphabetic scripts (Latin, Greek, Cyrillic, …): they group into whole words.
    case letter
    /// CJK ideographs, kana, hangul and other characters a Chinese model segments one by one.
    case ideograph
    /// Sentence punctuation that is always a token of its own (，。、；：？！“”《》（）…).
    case closedPunctuation
    /// Other symbols that may belong to a word (％ · — ／ ＋ ＠ …): the model decides.
    case symbol
}

/// Character tables shared by the dictionary segmenter and the tagger.
public enum SegmenterCharacters {
    /// Folds full-width ASCII (U+FF01–U+FF5E) to ASCII and U+3000 to a space. People's Daily writes
    /// digits and Latin letters full-width, the SIGHAN test sets mostly half-width; features and
    /// dictionary keys use the folded form, output always keeps the original text.
    @inline(__always)
    public static func normalized(_ scalar: UInt32) -> UInt32 {
        if scalar &- 0xFF01 <= 0xFF5E - 0xFF01 { return scalar &- 0xFEE0 }
        if scalar == 0x3000 { return 0x20 }
        return scalar
    }

    /// The class of a normalized scalar.
    @inline(__always)
    public static func characterClass(_ scalar: UInt32) -> SegmenterCharacterClass {
        if scalar < 0x10000 {
            return SegmenterCharacterClass(rawValue: basicPlane[Int(scalar)])!
        }
        // Supplementary ideographic planes (CJK extensions B–H); everything else is a symbol (emoji, …).
        return scalar >= 0x20000 && scalar < 0x40000 ? .ideograph : .symbol
    }

    /// Digits written as Chinese characters, including the two zero forms used in dates (二○○一年).
    public static func isChineseNumeral(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x96F6, 0x3007, 0x25CB, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B,
             0x4E5D, 0x5341, 0x767E, 0x5343, 0x4E07, 0x4EBF, 0x4E24:
            return true  // 零〇○一二三四五六七八九十百千万亿两
        default:
            return false
        }
    }

    /// Characters that end dates, times and counted numbers (年 月 日 时 分 秒 号).
    public static func isDateSuffix(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x5E74, 0x6708, 0x65E5, 0x65F6, 0x5206, 0x79D2, 0x53F7: return true
        default: return false
        }
    }

    /// Closed punctuation, as normalized scalars: ASCII forms stand for their full-width twins too.
    static let closedPunctuation: [UInt32] = Array("!\"(),.:;<>?[]{}|`^\\'".unicodeScalars.map(\.value)) + [
        0x3001, 0x3002,                     // 、。
        0x201C, 0x201D, 0x2018, 0x2019,     // “”‘’
        0x300C, 0x300D, 0x300E, 0x300F,     // 「」『』
        0x300A, 0x300B, 0x3008, 0x3009,     // 《》〈〉
        0x3010, 0x3011, 0x3014, 0x3015,     // 【】〔〕
        0x3016, 0x3017, 0x301D, 0x301E,     // 〖〗〝〞
        0x2026, 0x22EF, 0xFF61, 0xFF64,     // … ⋯ ｡ ､
        0x00AB, 0x00BB, 0x2039, 0x203A,     // « » ‹ ›
        0x00A1, 0x00BF, 0xFE50, 0xFE51, 0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57,  // ¡ ¿ small forms
    ]

    private static let basicPlane: [UInt8] = {
        var table = [UInt8](repeating: SegmenterCharacterClass.symbol.rawValue, count: 0x10000)
        func set(_ range: ClosedRange<Int>, _ c: SegmenterCharacterClass) {
            for i in range { table[i] = c.rawValue }
        }
        set(0x30...0x39, .digit)
        set(0x41...0x5A, .letter)
        set(0x61...0x7A, .letter)
        set(0xC0...0x24F, .letter)          // Latin-1 and Latin Extended letters
        table[0xD7] = SegmenterCharacterClass.symbol.rawValue  // ×
        table[0xF7] = SegmenterCharacterClass.symbol.rawValue  // ÷
        set(0x370...0x3FF, .letter)         // Greek
        set(0x400...0x52F, .letter)         // Cyrillic
        set(0x1E00...0x1FFF, .letter)       // Latin Extended Additional, Greek Extended
        set(0x3040...0x30FF, .ideograph)    // kana
        table[0x30FB] = SegmenterCharacterClass.symbol.rawValue  // ・ katakana middle dot
        set(0x3400...0x4DBF, .ideograph)    // CJK extension A
        set(0x4E00...0x9FFF, .ideograph)    // CJK unified ideographs
        set(0xAC00...0xD7A3, .ideograph)    // hangul syllables
        set(0xF900...0xFAFF, .ideograph)    // CJK compatibility ideographs
        table[0x3007] = SegmenterCharacterClass.ideograph.rawValue  // 〇
        for s in closedPunctuation { table[Int(s)] = SegmenterCharacterClass.closedPunctuation.rawValue }
        for s in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F,
                  0x3000, 0x200B, 0xFEFF] { table[s] = SegmenterCharacterClass.space.rawValue }
        set(0x2000...0x200A, .space)
        return table
    }()
}
