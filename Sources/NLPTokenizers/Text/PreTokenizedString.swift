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

    var count: Int { Int(end - start) }
    public var isAddedToken: Bool { addedTokenID >= 0 }
}

/// The text during pre-tokenization: all pieces live in one byte arena (with their alignments), and
/// `splits` says which ranges of it are the current pieces, in order. Pre-tokenizers cut splits
/// into smaller ones (`split`) or rewrite them (`rewrite`: the new text is appended to the arena).
public struct PreTokenizedString {
    public internal(set) var bytes: [UInt8] = []
    public internal(set) var alignments: [Alignment] = []
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

    /// Appends a piece (kept even when empty, as HF keeps an empty input's single split).
    mutating func append(_ piece: inout NormalizedString, addedTokenID: Int32) {
        let start = Int32(bytes.count)
        bytes.append(contentsOf: piece.bytes)
        alignments.append(contentsOf: piece.alignments)
        splits.append(Split(start: start, end: Int32(bytes.count), addedTokenID: addedTokenID))
    }

    /// Appends a normalized piece given as raw buffers (dropped when empty).
    mutating func append(bytes piece: UnsafeBufferPointer<UInt8>, alignments pieceAlignments: UnsafeBufferPointer<Alignment>) {
        guard piece.count > 0 else { return }
        let start = Int32(bytes.count)
        bytes.append(contentsOf: piece)
        alignments.append(contentsOf: pieceAlignments)
        splits.append(Split(start: start, end: Int32(bytes.count)))
    }

    /// Appends original text as it is (no normalizer): character c of the piece aligns to itself.
    mutating func appendOriginal(_ piece: UnsafeBufferPointer<UInt8>, firstCharacter: Int32) {
        guard let p = piece.baseAddress, piece.count > 0 else { return }
        let start = Int32(bytes.count)
        bytes.append(contentsOf: piece)
        let base = alignments.count
        alignments.append(contentsOf: repeatElement(.empty, count: piece.count))
        alignments.withUnsafeMutableBufferPointer { a in
            var c = firstCharacter - 1
            for i in 0..<piece.count {
                if p[i] & 0xC0 != 0x80 { c += 1 }
                a[base + i] = Alignment(c, c + 1)
            }
        }
        splits.append(Split(start: start, end: Int32(bytes.count)))
    }

    /// The text of a split.
    public func string(of split: Split) -> String {
        String(decoding: bytes[Int(split.start)..<Int(split.end)], as: UTF8.self)
    }

    /// The original characters of a byte range `[start, end)` of the arena.
    @inline(__always)
    func originalRange(_ start: Int, _ end: Int) -> (Int32, Int32) {
        if end <= start { return (0, 0) }
        return (alignments[start].start, alignments[end - 1].end)
    }

    /// The splits as (text, original character offsets), as HF's `pre_tokenize_str` shows them.
    public var pieces: [(text: String, offsets: Range<Int>)] {
        splits.map { s in
            var text = string(of: s)
            if s.isByteLevel { text = ByteLevelAlphabet.encode(Array(text.utf8)) }
            let (a, b) = originalRange(Int(s.start), Int(s.end))
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
            piece.alignments.append(contentsOf: alignments[Int(s.start)..<Int(s.end)])
            body(&piece, s)
            let start = Int32(bytes.count)
            bytes.append(contentsOf: piece.bytes)
            alignments.append(contentsOf: piece.alignments)
            splits[k].start = start
            splits[k].end = Int32(bytes.count)
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
        var piece = scratch
        scratch = NormalizedString()
        for k in splits.indices where splits[k].isByteLevel {
            let s = splits[k]
            let start = Int32(bytes.count)
            for i in Int(s.start)..<Int(s.end) {
                let c = ByteLevelAlphabet.character(for: bytes[i])
                UTF8Scalars.append(c, to: &piece.bytes)
                // HF: the first byte's character replaces the source character, the rest are
                // inserted after it; all take the source character's alignment.
                let a = alignments[i]
                for _ in 0..<UTF8Scalars.width(c) { piece.alignments.append(a) }
            }
            bytes.append(contentsOf: piece.bytes)
            alignments.append(contentsOf: piece.alignments)
            piece.bytes.removeAll(keepingCapacity: true)
            piece.alignments.removeAll(keepingCapacity: true)
            splits[k].start = start
            splits[k].end = Int32(bytes.count)
            splits[k].isByteLevel = false
        }
        scratch = piece
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
