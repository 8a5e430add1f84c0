/// One piece of the text after pre-tokenization: a byte range of the pre-tokenized text, possibly
/// already decided to be one added token.
public struct Split: Equatable, Sendable {
    /// Bytes `[start, end)` of `PreTokenizedString.bytes`.
    public internal(set) var start: Int32
    public internal(set) var end: Int32
    /// The id of the added token this split is, or -1 when the model still has to tokenize it.
    public internal(set) var addedTokenID: Int32 = -1
    /// The split holds raw bytes that stand for their byte-level characters (ByteLevel's
    /// mapping is applied lazily: the BPE model reads the bytes directly).
    public internal(set) var isByteLevel = false
    /// Where the alignments of the split's bytes come from. The bytes belong to a region that
    /// starts at arena byte `regionStart`; with `alignmentBase` >= 0 the alignment of arena byte x is
    /// `alignments[alignmentBase + x - regionStart]`. With -1 the region is original text (unchanged
    /// by normalization, or only changed byte for byte), whose first character is `regionCharacter`:
    /// each byte aligns to the character it is part of, found by counting.
    var regionStart: Int32 = 0
    var alignmentBase: Int32 = -1
    var regionCharacter: Int32 = 0
    /// An original-text region that is all ASCII: byte x is character regionCharacter + x - regionStart.
    var regionIsASCII = false

    var count: Int { Int(end - start) }
    public var isAddedToken: Bool { addedTokenID >= 0 }
}

/// The text during pre-tokenization: all pieces live in one byte arena, and `splits` says which
/// ranges of it are the current pieces, in order. Pre-tokenizers cut splits into smaller ones
/// (`split`) or rewrite them (`rewrite`: the new text is appended to the arena). Alignments are
/// stored only for regions that normalization changed; original text computes them on demand.
public struct PreTokenizedString {
    public internal(set) var bytes: [UInt8] = []
    var alignments: [Alignment] = []
    public internal(set) var splits: [Split] = []
    var spareSplits: [Split] = []
    var scratch = NormalizedString()

    public init() {}

    /// A text made of one normalized piece (for inspecting a pre-tokenizer on its own).
    public init(_ text: String) {
        var normalized = NormalizedString(text)
        append(&normalized, addedTokenID: -1)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        alignments.removeAll(keepingCapacity: true)
        splits.removeAll(keepingCapacity: true)
    }

    /// Appends a normalized piece with its alignments (kept even when empty, as HF keeps an empty
    /// input's single split).
    mutating func append(_ piece: inout NormalizedString, addedTokenID: Int32) {
        let start = Int32(bytes.count)
        let base = Int32(alignments.count)
        bytes.append(contentsOf: piece.bytes)
        alignments.append(contentsOf: piece.alignments)
        splits.append(Split(start: start, end: Int32(bytes.count), addedTokenID: addedTokenID,
                            regionStart: start, alignmentBase: base))
    }

    /// Appends a normalized piece given as raw buffers (dropped when empty).
    mutating func append(bytes piece: UnsafeBufferPointer<UInt8>, alignments pieceAlignments: UnsafeBufferPointer<Alignment>) {
        guard piece.count > 0 else { return }
        let start = Int32(bytes.count)
        let base = Int32(alignments.count)
        bytes.append(contentsOf: piece)
        alignments.append(contentsOf: pieceAlignments)
        splits.append(Split(start: start, end: Int32(bytes.count), regionStart: start, alignmentBase: base))
    }

    /// Appends original text (or text changed only byte for byte) whose first character is
    /// character `firstCharacter` of the input; its alignments are implicit.
    mutating func appendOriginal(_ piece: UnsafeBufferPointer<UInt8>, firstCharacter: Int32, addedTokenID: Int32 = -1,
                                 isASCII: Bool? = nil) {
        guard piece.count > 0 else { return }
        let start = Int32(bytes.count)
        bytes.append(contentsOf: piece)
        splits.append(Split(start: start, end: Int32(bytes.count), addedTokenID: addedTokenID,
                            regionStart: start, alignmentBase: -1, regionCharacter: firstCharacter,
                            regionIsASCII: isASCII ?? UTF8Scalars.isASCII(piece)))
    }

    /// Appends bytes `range` of a normalized piece as a split.
    mutating func appendSlice(of piece: NormalizedString, _ range: Range<Int>, addedTokenID: Int32) {
        guard !range.isEmpty else { return }
        let start = Int32(bytes.count)
        let base = Int32(alignments.count)
        bytes.append(contentsOf: piece.bytes[range])
        alignments.append(contentsOf: piece.alignments[range])
        splits.append(Split(start: start, end: Int32(bytes.count), addedTokenID: addedTokenID,
                            regionStart: start, alignmentBase: base))
    }

    /// The text of a split.
    public func string(of split: Split) -> String {
        String(decoding: bytes[Int(split.start)..<Int(split.end)], as: UTF8.self)
    }

    /// The alignment of every byte of a split.
    func alignments(of split: Split) -> [Alignment] {
        let s = Int(split.start), e = Int(split.end)
        if split.alignmentBase >= 0 {
            let base = Int(split.alignmentBase) + s - Int(split.regionStart)
            return Array(alignments[base..<base + (e - s)])
        }
        var cursor = OriginCursor(split)
        return bytes.withUnsafeBufferPointer { p in
            (s..<e).map { x in
                let c = cursor.character(of: x, p.baseAddress!)
                return Alignment(c, c + 1)
            }
        }
    }

    /// The original characters of bytes `[start, end)` of a split.
    func originalRange(_ split: Split, _ start: Int, _ end: Int) -> (Int32, Int32) {
        if end <= start { return (0, 0) }
        let a = alignments(of: split)
        return (a[start - Int(split.start)].start, a[end - 1 - Int(split.start)].end)
    }

    /// The splits as (text, original character offsets), as HF's `pre_tokenize_str` shows them.
    public var pieces: [(text: String, offsets: Range<Int>)] {
        splits.map { s in
            var text = string(of: s)
            if s.isByteLevel { text = ByteLevelAlphabet.encode(Array(text.utf8)) }
            let (a, b) = originalRange(s, Int(s.start), Int(s.end))
            return (text, Int(a)..<Int(b))
        }
    }

    /// Cuts every split that is not an added token: `body` gets the split's bytes and adds the
    /// byte ranges (relative to the split) of the pieces to keep, in order. Empty pieces are dropped.
    public mutating func split(_ body: (UnsafeBufferPointer<UInt8>, inout SplitSink) -> Void) {
        var sink = SplitSink(output: spareSplits)
        spareSplits = []
        sink.output.removeAll(keepingCapacity: true)
        bytes.withUnsafeBufferPointer { arena in
            for s in splits {
                if s.isAddedToken { sink.output.append(s); continue }
                sink.current = s
                body(UnsafeBufferPointer(rebasing: arena[Int(s.start)..<Int(s.end)]), &sink)
            }
        }
        spareSplits = splits
        splits = sink.output
    }

    /// Rewrites every split that is not an added token through `body` (which may also drop it by
    /// emptying it); the rewritten text is appended to the arena.
    public mutating func rewrite(_ body: (inout NormalizedString, _ split: Split) -> Void) {
        var piece = scratch
        scratch = NormalizedString()
        for k in splits.indices where !splits[k].isAddedToken {
            let s = splits[k]
            piece.bytes.removeAll(keepingCapacity: true)
            piece.alignments.removeAll(keepingCapacity: true)
            piece.bytes.append(contentsOf: bytes[Int(s.start)..<Int(s.end)])
            piece.alignments.append(contentsOf: alignments(of: s))
            body(&piece, s)
            let start = Int32(bytes.count)
            splits[k].alignmentBase = Int32(alignments.count)
            bytes.append(contentsOf: piece.bytes)
            alignments.append(contentsOf: piece.alignments)
            splits[k].start = start
            splits[k].end = Int32(bytes.count)
            splits[k].regionStart = start
        }
        scratch = piece
        splits.removeAll { $0.start == $0.end && !$0.isAddedToken }
    }

    /// Marks the splits as byte-level (ByteLevel's character mapping, applied lazily).
    mutating func markByteLevel() {
        for k in splits.indices where !splits[k].isAddedToken { splits[k].isByteLevel = true }
    }

    /// Applies the byte-level character mapping to the text itself, for stages that must see the
    /// mapped characters (a pre-tokenizer after ByteLevel, a model other than BPE).
    mutating func materializeByteLevel() {
        guard splits.contains(where: \.isByteLevel) else { return }
        var mapped: [UInt8] = [], mappedAlignments: [Alignment] = []
        for k in splits.indices where splits[k].isByteLevel {
            let s = splits[k]
            let source = alignments(of: s)
            mapped.removeAll(keepingCapacity: true)
            mappedAlignments.removeAll(keepingCapacity: true)
            for (j, i) in (Int(s.start)..<Int(s.end)).enumerated() {
                let c = ByteLevelAlphabet.character(for: bytes[i])
                UTF8Scalars.append(c, to: &mapped)
                // HF: the first byte's character replaces the source character, the rest are
                // inserted after it; all take the source character's alignment.
                for _ in 0..<UTF8Scalars.width(c) { mappedAlignments.append(source[j]) }
            }
            let start = Int32(bytes.count)
            splits[k].alignmentBase = Int32(alignments.count)
            bytes.append(contentsOf: mapped)
            alignments.append(contentsOf: mappedAlignments)
            splits[k].start = start
            splits[k].end = Int32(bytes.count)
            splits[k].regionStart = start
            splits[k].isByteLevel = false
        }
    }
}

/// The original characters of byte ranges of one split, by the split's kind of region.
struct SpanMapper {
    private let alignments: UnsafePointer<Alignment>?
    private let shift: Int
    private let asciiShift: Int
    private let kind: UInt8   // 0 arrays, 1 ASCII original, 2 original
    private var cursor: OriginCursor

    init(_ split: Split, alignments: UnsafePointer<Alignment>?) {
        self.alignments = alignments
        shift = Int(split.alignmentBase) - Int(split.regionStart)
        asciiShift = Int(split.regionCharacter) - Int(split.regionStart)
        kind = split.alignmentBase >= 0 ? 0 : split.regionIsASCII ? 1 : 2
        cursor = OriginCursor(split)
    }

    /// The original characters of arena bytes `[a, b)` (an empty range maps to its start).
    @inline(__always)
    mutating func span(_ a: Int, _ b: Int, _ arena: UnsafePointer<UInt8>) -> Span {
        switch kind {
        case 1:
            return Span(a + asciiShift, (b > a ? b : a) + asciiShift)
        case 0:
            let p = alignments!
            return b > a ? Span(Int(p[a + shift].start), Int(p[b - 1 + shift].end))
                         : Span(Int(p[a + shift].start), Int(p[a + shift].start))
        default:
            let first = Int(cursor.character(of: a, arena))
            return b > a ? Span(first, Int(cursor.character(of: b - 1, arena)) + 1) : Span(first, first)
        }
    }
}

/// Finds the original character of bytes of an original-text region, moving forward (the
/// tokens of a region come in order, so counting is linear overall).
struct OriginCursor {
    private var position: Int
    private var leads: Int32
    private let base: Int32

    init(_ split: Split) {
        position = Int(split.regionStart)
        leads = 0
        base = split.regionCharacter
    }

    /// The character containing byte `x` (x at or after the previous query).
    @inline(__always)
    mutating func character(of x: Int, _ p: UnsafePointer<UInt8>) -> Int32 {
        // leads = lead bytes in [regionStart, position); the char of x is base + leads in [.., x] - 1.
        // Wrapping arithmetic: the counts are bounded by the text's length (no overflow branch per byte).
        while position <= x {
            leads &+= p[position] & 0xC0 != 0x80 ? 1 : 0
            position &+= 1
        }
        return base &+ leads &- 1
    }
}

/// Where a pre-tokenizer puts the pieces of the split it is cutting.
public struct SplitSink {
    var output: [Split]
    var current = Split(start: 0, end: 0)

    /// Keeps bytes `[start, end)` of the current split as a piece (ignored when empty).
    @inline(__always)
    public mutating func add(_ start: Int, _ end: Int) {
        guard end > start else { return }
        var s = current
        s.start = current.start + Int32(start)
        s.end = current.start + Int32(end)
        output.append(s)
    }

    /// Keeps the whole current split.
    public mutating func keepWhole() { add(0, current.count) }
}
