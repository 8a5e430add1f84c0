/// BERT's normalizer: removes control characters and maps whitespace to a space (`cleanText`), puts
/// spaces around CJK ideographs, strips accents (NFD, then drops non-spacing marks) and lowercases —
/// in that order, as Hugging Face does. `stripAccents` nil follows `lowercase`.
///
/// One pass over the text does all four steps, with an ASCII fast path; the alignments come out as
/// HF's four successive transformations leave them.
public struct BertNormalizer: Normalizer {
    public let cleanText: Bool
    public let handleChineseCharacters: Bool
    /// As written in the file; nil means "same as lowercase".
    public let stripAccentsSetting: Bool?
    public let lowercase: Bool
    public var stripAccents: Bool { stripAccentsSetting ?? lowercase }

    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool? = nil,
                lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccentsSetting = stripAccents
        self.lowercase = lowercase
    }

    public var json: JSON {
        .object(["type": "BertNormalizer", "clean_text": .bool(cleanText),
                 "handle_chinese_chars": .bool(handleChineseCharacters),
                 "strip_accents": stripAccentsSetting.map { .bool($0) } ?? .null, "lowercase": .bool(lowercase)])
    }

    public func normalize(_ text: inout NormalizedString) {
        let n = text.bytes.count
        guard n > 0 else { return }
        var out = text.spareBytes
        var outAlign = text.spareAlignments
        out.removeAll(keepingCapacity: true)
        outAlign.removeAll(keepingCapacity: true)
        out.reserveCapacity(n + n / 2)
        outAlign.reserveCapacity(n + n / 2)
        let table = UnicodeClassTable.shared
        let clean = cleanText, chinese = handleChineseCharacters, strip = stripAccents, lower = lowercase
        // HF's inserted space before an ideograph takes the alignment of the character before it.
        var previous = Alignment.empty
        text.bytes.withUnsafeBufferPointer { bytesBuffer in
            text.alignments.withUnsafeBufferPointer { alignBuffer in
                let p = bytesBuffer.baseAddress!, align = alignBuffer.baseAddress!
                var i = 0
                var pieces = ScalarList(), lowered = ScalarList()
                while i < n {
                    let b = p[i]
                    if b < 0x80 {
                        var c = b
                        if clean {
                            let f = table.ascii[Int(b)]
                            if f & UnicodeClass.bertRemoved.rawValue != 0 { i += 1; continue }
                            if f & UnicodeClass.whitespace.rawValue != 0 { c = 0x20 }
                        }
                        if lower && c >= 0x41 && c <= 0x5A { c += 32 }
                        out.append(c)
                        let a = align[i]
                        outAlign.append(a)
                        previous = a
                        i += 1
                        continue
                    }
                    let (decoded, length) = UTF8Scalars.decode(p, at: i)
                    let a = align[i]
                    i += length
                    var c = decoded
                    if clean {
                        let f = table.flags(c)
                        if f & UnicodeClass.bertRemoved.rawValue != 0 { continue }
                        if f & UnicodeClass.whitespace.rawValue != 0 { c = 0x20 }
                    }
                    let ideograph = chinese && UnicodeClass.isChineseCharacter(c)
                    if ideograph { out.append(0x20); outAlign.append(previous) }
                    pieces.count = 0
                    if strip {
                        UnicodeNormalization.decompose(c, compatibility: false, into: &pieces)
                    } else {
                        pieces.append(c)
                    }
                    for k in 0..<pieces.count {
                        let d = pieces[k]
                        if strip && table.flags(d) & UnicodeClass.bertMark.rawValue != 0 { continue }
                        lowered.count = 0
                        if lower { UnicodeNormalization.lowercase(d, into: &lowered) } else { lowered.append(d) }
                        for m in 0..<lowered.count {
                            let before = out.count
                            UTF8Scalars.append(lowered[m], to: &out)
                            for _ in before..<out.count { outAlign.append(a) }
                        }
                    }
                    if ideograph { out.append(0x20); outAlign.append(a) }
                    previous = a
                }
            }
        }
        text.spareBytes = text.bytes
        text.spareAlignments = text.alignments
        text.bytes = out
        text.alignments = outAlign
    }
}
