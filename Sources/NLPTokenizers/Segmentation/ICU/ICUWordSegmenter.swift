import CICUShim

/// ICU's word break iterator (dictionary-based for Chinese, locale "zh") as a second backend, for
/// comparison. Spaces are dropped; every other segment is a word.
public struct ICUWordSegmenter {
    public init() {}

    /// Appends the words of `text` as UTF-8 byte ranges into it.
    public func wordRanges(in text: String, into ranges: inout [Range<Int>]) {
        var utf16: [UInt16] = []
        var utf8Offsets: [Int] = []  // UTF-8 offset of each UTF-16 unit, plus the end
        utf16.reserveCapacity(text.utf8.count)
        var offset = 0
        for scalar in text.unicodeScalars {
            for unit in UTF16.encode(scalar)! {
                utf16.append(unit)
                utf8Offsets.append(offset)
            }
            offset += UTF8.width(scalar)
        }
        utf8Offsets.append(offset)
        if utf16.isEmpty { return }
        var error: Int32 = 0
        guard let iterator = icushim_open(Int32(ICUSHIM_WORD), "zh", utf16, Int32(utf16.count), &error) else { return }
        defer { icushim_close(iterator) }
        var start = Int(icushim_first(iterator))
        while true {
            let end = Int(icushim_next(iterator))
            if end == Int(ICUSHIM_DONE) || end < 0 { break }
            let isSpace = utf16[start..<end].allSatisfy { unit in
                SegmenterCharacters.characterClass(SegmenterCharacters.normalized(UInt32(unit))) == .space
            }
            if !isSpace { ranges.append(utf8Offsets[start]..<utf8Offsets[end]) }
            start = end
        }
    }
}
