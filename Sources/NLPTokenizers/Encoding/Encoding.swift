/// A `[start, end)` range of characters (Unicode scalars) in the input text. Special and padding
/// tokens have (0, 0).
public struct Span: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    @inline(__always)
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    public static let zero = Span(0, 0)
    public var description: String { "(\(start), \(end))" }
}

/// A token whose text is not the vocabulary's text for its id (an added token matched with the
/// whitespace around it, a padding token).
struct TokenOverride: Equatable, Sendable {
    var index: Int
    var text: String
}

/// Where an encoding's token texts come from: the tokenizer's vocabulary.
final class TokenSource: @unchecked Sendable {
    let model: TokenizerModel
    let added: AddedVocabulary

    init(model: TokenizerModel, added: AddedVocabulary) {
        self.model = model
        self.added = added
    }

    @inline(__always)
    func token(_ id: Int) -> String {
        model.token(forID: id) ?? added.token(for: id)?.content ?? ""
    }
}

/// The result of encoding a text (or a pair of texts): one entry per token in every column.
public struct Encoding: Equatable, Sendable {
    /// The tokens (id, offsets, word, type id, flags): all the columns in one run of records.
    var records = TokenRecords()
    var source: TokenSource?
    var overrides: [TokenOverride] = []
    /// The pieces cut off by truncation (each a full encoding with its own special tokens).
    public internal(set) var overflowing: [Encoding] = []
    /// The tokens of sequence 0 and 1 (special tokens excluded).
    var sequenceRanges: (first: Range<Int>?, second: Range<Int>?) = (nil, nil)

    public init() {}

    init(source: TokenSource?) { self.source = source }

    init(records: TokenRecords, source: TokenSource?, overrides: [TokenOverride],
         sequenceRanges: (first: Range<Int>?, second: Range<Int>?)) {
        self.records = records
        self.source = source
        self.overrides = overrides
        self.sequenceRanges = sequenceRanges
    }

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }

    /// The token ids.
    public var ids: IDs { IDs(records) }
    /// Character offsets into the input text each token came from (into its own text, for pairs).
    public var offsets: Offsets { Offsets(records) }

    /// The token texts.
    public var tokens: [String] {
        var t = records.map { source?.token(Int($0.id)) ?? "" }
        for o in overrides { t[o.index] = o.text }
        return t
    }

    /// The text of token i.
    func token(at i: Int) -> String {
        if let o = overrides.last(where: { $0.index == i }) { return o.text }
        return source?.token(Int(records[i].id)) ?? ""
    }

    /// Segment ids (0 for the first sequence, 1 for the second in BERT's scheme).
    public var typeIDs: [Int] { records.map { Int($0.typeID) } }
    /// The index of the pre-tokenized word each token came from; nil for special and padding tokens.
    public var wordIDs: [Int?] { records.map { $0.word < 0 ? nil : Int($0.word) } }
    /// 1 for tokens added by the post-processor (and padding), 0 for tokens of the text.
    public var specialTokensMask: [Int] { records.map { $0.isSpecial ? 1 : 0 } }
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int] { records.map { $0.isPadding ? 0 : 1 } }

    /// Which sequence (0 or 1) each token belongs to; nil for special tokens. As HF counts it: an
    /// encoding without sequence ranges is all sequence 0, and one with n ranges shows sequences
    /// 0..<n (a lone range of sequence 1 therefore reads as all 0).
    public var sequenceIDs: [Int?] {
        let n = (sequenceRanges.first == nil ? 0 : 1) + (sequenceRanges.second == nil ? 0 : 1)
        var ids = [Int?](repeating: nil, count: count)
        for sequence in 0..<max(n, 1) {
            let range = (sequence == 0 ? sequenceRanges.first : sequenceRanges.second) ?? 0..<count
            for i in range where i < count { ids[i] = sequence }
        }
        return ids
    }

    /// The token range of sequence `id` (0 or 1).
    public func tokenRange(ofSequence id: Int) -> Range<Int>? {
        id == 0 ? sequenceRanges.first : id == 1 ? sequenceRanges.second : nil
    }

    public static func == (a: Encoding, b: Encoding) -> Bool {
        a.records == b.records && a.tokens == b.tokens && a.overflowing == b.overflowing
            && a.sequenceRanges.first == b.sequenceRanges.first && a.sequenceRanges.second == b.sequenceRanges.second
    }

    mutating func reserveCapacity(_ n: Int) { records.reserveCapacity(n) }

    /// Appends a token; `token` is its text when it may differ from the vocabulary's.
    @inline(__always)
    mutating func append(id: Int, token: String?, offsets span: Span, word: Int?, typeID: Int, special: Bool) {
        if let token, token != (source?.token(id) ?? "") { overrides.append(TokenOverride(index: records.count, text: token)) }
        records.append(TokenRecord(id: id, span: span, word: word, typeID: typeID, special: special))
    }

    /// Sets the offsets of token i.
    mutating func setOffsets(_ span: Span, at i: Int) { records[i].span = span }

    /// HF's `set_sequence_id`: the whole encoding is sequence `id`.
    mutating func setSequenceID(_ id: Int) {
        if id == 0 { sequenceRanges.first = 0..<count } else { sequenceRanges.second = 0..<count }
    }

    mutating func setTypeIDs(_ typeID: Int) {
        records.setTypeIDs(UInt32(clamping: typeID))
    }

    /// The tokens `range` as an encoding of their own (no overflowing, no sequence ranges).
    func slice(_ range: Range<Int>) -> Encoding {
        var e = Encoding(source: source)
        e.records = records.extracting(range)
        for o in overrides where range.contains(o.index) {
            e.overrides.append(TokenOverride(index: o.index - range.lowerBound, text: o.text))
        }
        return e
    }

    /// HF's `merge_with`: appends `other`, combining the overflowing parts of both.
    mutating func merge(with other: Encoding, growingOffsets: Bool = false) {
        var overflowings: [Encoding] = []
        for mine in overflowing {
            var n = mine
            n.merge(with: other, growingOffsets: growingOffsets)
            overflowings.append(n)
            for theirs in other.overflowing {
                var m = mine
                m.merge(with: theirs, growingOffsets: growingOffsets)
                overflowings.append(m)
            }
        }
        for theirs in other.overflowing {
            var n = self
            n.merge(with: theirs, growingOffsets: growingOffsets)
            overflowings.append(n)
        }
        let base = count
        if let r = other.sequenceRanges.first { sequenceRanges.first = base + r.lowerBound..<base + r.upperBound }
        if let r = other.sequenceRanges.second { sequenceRanges.second = base + r.lowerBound..<base + r.upperBound }
        if source == nil { source = other.source }
        if other.source === source {
            for o in other.overrides { overrides.append(TokenOverride(index: base + o.index, text: o.text)) }
        } else {
            for (i, t) in other.tokens.enumerated() { overrides.append(TokenOverride(index: base + i, text: t)) }
        }
        let shift = growingOffsets ? (records.last?.end ?? 0) : 0
        if shift == 0 {
            records.append(contentsOf: other.records)
        } else {
            records.append(contentsOf: other.records.lazy.map { var r = $0; r.start += shift; r.end += shift; return r })
        }
        overflowing = overflowings
    }

    /// HF's `Encoding::merge`: all the encodings one after the other.
    static func merged(_ encodings: [Encoding], growingOffsets: Bool = false) -> Encoding {
        if encodings.count == 1 { return encodings[0] }
        var e = Encoding()
        for sub in encodings { e.merge(with: sub, growingOffsets: growingOffsets) }
        return e
    }

    /// HF's `truncate`: keeps `maxLength` tokens; the rest go to `overflowing` in windows of
    /// `maxLength` that overlap by `stride`.
    mutating func truncate(maxLength: Int, stride: Int, direction: Truncation.Direction) {
        let n = count
        if maxLength >= n { return }
        if maxLength == 0 {
            let whole = self
            self = Encoding(source: source)
            overflowing = [whole]
            return
        }
        // HF panics when stride >= maxLength (possible once the special tokens are budgeted);
        // here the windows then advance one token at a time.
        let step = max(1, maxLength - stride)
        var parts: [Range<Int>] = []
        switch direction {
        case .right:
            var start = 0
            while start < n {
                let stop = min(start + maxLength, n)
                parts.append(start..<stop)
                if stop == n { break }
                start += step
            }
        case .left:
            var last = n - 1
            while last >= 0 {
                let stop = last + 1
                let start = max(0, stop - maxLength)
                parts.append(start..<stop)
                if start == 0 { break }
                last -= step
            }
        }
        var result = slice(parts[0])
        result.overflowing = parts.dropFirst().map { slice($0) }
        self = result
    }

    /// HF's `pad`: pads this encoding (and its overflowing parts) to `length` tokens.
    mutating func pad(to length: Int, id: Int, typeID: Int, token: String, direction: Padding.Direction) {
        for k in overflowing.indices {
            overflowing[k].pad(to: length, id: id, typeID: typeID, token: token, direction: direction)
        }
        let n = count
        guard length > n else { return }
        let extra = length - n
        let padding = TokenRecord(id: id, span: .zero, word: nil, typeID: typeID, special: true, padding: true)
        let differs = token != (source?.token(id) ?? "")
        switch direction {
        case .right:
            records.append(contentsOf: repeatElement(padding, count: extra))
            if differs { for i in n..<length { overrides.append(TokenOverride(index: i, text: token)) } }
        case .left:
            records.prepend(padding, count: extra)
            for k in overrides.indices { overrides[k].index += extra }
            if differs { overrides.insert(contentsOf: (0..<extra).map { TokenOverride(index: $0, text: token) }, at: 0) }
            if let r = sequenceRanges.first { sequenceRanges.first = r.lowerBound + extra..<r.upperBound + extra }
            if let r = sequenceRanges.second { sequenceRanges.second = r.lowerBound + extra..<r.upperBound + extra }
        }
    }
}
