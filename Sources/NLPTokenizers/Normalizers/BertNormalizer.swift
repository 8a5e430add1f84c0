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
        guard !text.bytes.isEmpty else { return }
        let bytes = GrowableBuffer<UInt8>(capacity: text.bytes.count * 2)
        let alignments = GrowableBuffer<Alignment>(capacity: text.bytes.count * 2)
        text.bytes.withUnsafeBufferPointer { b in
            text.alignments.withUnsafeBufferPointer { a in
                normalize(b, alignments: a.baseAddress, firstCharacter: 0, into: bytes, alignments)
            }
        }
        text.bytes.removeAll(keepingCapacity: true)
        text.bytes.append(contentsOf: bytes.buffer)
        text.alignments.removeAll(keepingCapacity: true)
        text.alignments.append(contentsOf: alignments.buffer)
    }

    /// The common case: an ASCII piece that normalization changes only byte for byte (lowercase,
    /// whitespace to spaces; nothing removed). Writes the result and returns true, or returns false
    /// without a result when the piece needs the general path.
    func normalizeASCII(_ input: UnsafeBufferPointer<UInt8>, into out: GrowableBuffer<UInt8>) -> Bool {
        let n = input.count
        guard let p = input.baseAddress else { return true }
        out.reserve(n)
        let o = out.base + out.count
        let ascii = UnicodeClassTable.shared.ascii
        let removed = UnicodeClass.bertRemoved.rawValue, space = UnicodeClass.whitespace.rawValue
        let clean = cleanText, lower = lowercase
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        var i = 0
        // Eight bytes at a time while they are printable ASCII (no control character, no DEL):
        // only the lowercase mapping applies, done with bit tricks.
        while i + 8 <= n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let control = (x &- ones &* 0x20) & ~x & high            // a byte below 0x20
            let delete = ((x ^ (ones &* 0x7F)) &- ones) & ~(x ^ (ones &* 0x7F)) & high
            if x & high != 0 || control != 0 || delete != 0 { break }
            var y = x
            if lower {
                let heptets = x & ~high
                let aboveZ = heptets &+ (ones &* (0x7F - 0x5A))
                let fromA = heptets &+ (ones &* (0x80 - 0x41))
                y |= ((fromA ^ aboveZ) & high) >> 2
            }
            UnsafeMutableRawPointer(o + i).storeBytes(of: y, as: UInt64.self)
            i += 8
        }
        while i < n {
            let b = p[i]
            if b >= 0x80 { return false }
            var c = b
            let f = ascii[Int(b)]
            if clean && f & (removed | space) != 0 {
                if f & removed != 0 { return false }
                c = 0x20
            }
            if lower && c &- 0x41 < 26 { c |= 0x20 }
            o[i] = c
            i += 1
        }
        out.count += n
        return true
    }

    /// The four steps in one pass over `input`, appending to `out` / `outAlignments`. The input's
    /// alignments are `inputAlignments` (one per byte), or, when nil, the input is original text
    /// whose first character is `firstCharacter`.
    func normalize(_ input: UnsafeBufferPointer<UInt8>, alignments inputAlignments: UnsafePointer<Alignment>?,
                   firstCharacter: Int32, into out: GrowableBuffer<UInt8>, _ outAlignments: GrowableBuffer<Alignment>) {
        let n = input.count
        guard n > 0, let p = input.baseAddress else { return }
        let table = UnicodeClassTable.shared
        let ascii = table.ascii
        let clean = cleanText, chinese = handleChineseCharacters, strip = stripAccents, lower = lowercase
        let removed = UnicodeClass.bertRemoved.rawValue, space = UnicodeClass.whitespace.rawValue
        let mark = UnicodeClass.bertMark.rawValue
        // HF's inserted space before an ideograph takes the alignment of the character before it.
        var previous = Alignment.empty
        var character = firstCharacter
        var pieces = ScalarList(), lowered = ScalarList()
        out.reserve(n + 8)
        outAlignments.reserve(n + 8)
        var o = out.base + out.count, oa = outAlignments.base + outAlignments.count
        var i = 0
        // Fast path: a run of ASCII from original text (alignment = the character's own index).
        if inputAlignments == nil {
            while i < n {
                let b = p[i]
                if b >= 0x80 { break }
                let a = Alignment(character, character + 1)
                character += 1
                i += 1
                var c = b
                if clean {
                    let f = ascii[Int(b)]
                    if f & (removed | space) != 0 {
                        if f & removed != 0 { continue }
                        c = 0x20
                    }
                }
                if lower && c &- 0x41 < 26 { c += 32 }
                o.pointee = c; o += 1
                oa.pointee = a; oa += 1
                previous = a
            }
        }
        while i < n {
            let b = p[i]
            if b < 0x80 {
                let a = inputAlignments?[i] ?? Alignment(character, character + 1)
                character += 1
                i += 1
                var c = b
                if clean {
                    let f = ascii[Int(b)]
                    if f & removed != 0 { continue }
                    if f & space != 0 { c = 0x20 }
                }
                if lower && c >= 0x41 && c <= 0x5A { c += 32 }
                o.pointee = c; o += 1
                oa.pointee = a; oa += 1
                previous = a
                continue
            }
            let (decoded, length) = UTF8Scalars.decode(p, at: i)
            let a = inputAlignments?[i] ?? Alignment(character, character + 1)
            character += 1
            i += length
            var c = decoded
            if clean {
                let f = table.flags(c)
                if f & removed != 0 { continue }
                if f & space != 0 { c = 0x20 }
            }
            // Room for the worst case of one character (a long decomposition, spaces around it).
            out.count = o - out.base
            outAlignments.count = oa - outAlignments.base
            out.reserve(ScalarList.capacity * 4 * 2 + 2 + (n - i))
            outAlignments.reserve(ScalarList.capacity * 4 * 2 + 2 + (n - i))
            o = out.base + out.count
            oa = outAlignments.base + outAlignments.count
            let ideograph = chinese && UnicodeClass.isChineseCharacter(c)
            let flags = table.flags(c)
            if ideograph { o.pointee = 0x20; o += 1; oa.pointee = previous; oa += 1 }
            // Most characters neither decompose nor lowercase: straight through.
            if flags & (UnicodeClass.decomposes.rawValue | UnicodeClass.changesInLowercase.rawValue) == 0 {
                if !(strip && flags & mark != 0) {
                    let w = UTF8Scalars.write(c, to: o)
                    for _ in 0..<w { oa.pointee = a; oa += 1 }
                    o += w
                }
                if ideograph { o.pointee = 0x20; o += 1; oa.pointee = a; oa += 1 }
                previous = a
                continue
            }
            pieces.count = 0
            if strip { UnicodeNormalization.decompose(c, compatibility: false, into: &pieces) } else { pieces.append(c) }
            for k in 0..<pieces.count {
                let d = pieces[k]
                if strip && table.flags(d) & mark != 0 { continue }
                lowered.count = 0
                if lower { UnicodeNormalization.lowercase(d, into: &lowered) } else { lowered.append(d) }
                for m in 0..<lowered.count {
                    let w = UTF8Scalars.write(lowered[m], to: o)
                    for _ in 0..<w { oa.pointee = a; oa += 1 }
                    o += w
                }
            }
            if ideograph { o.pointee = 0x20; o += 1; oa.pointee = a; oa += 1 }
            previous = a
        }
        out.count = o - out.base
        outAlignments.count = oa - outAlignments.base
    }
}
