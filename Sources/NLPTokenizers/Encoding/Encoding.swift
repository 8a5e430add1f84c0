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

/// The result of encoding a text (or a pair of texts): one entry per token in every array.
public struct Encoding: Equatable, Sendable {
    public internal(set) var ids: [Int] = []
    /// Segment ids (0 for the first sequence, 1 for the second in BERT's scheme).
    public internal(set) var typeIDs: [Int] = []
    public internal(set) var tokens: [String] = []
    /// The index of the pre-tokenized word each token came from; nil for special and padding tokens.
    public internal(set) var wordIDs: [Int?] = []
    /// Character offsets into the input text each token came from (into its own text, for pairs).
    public internal(set) var offsets: [Span] = []
    /// 1 for tokens added by the post-processor (and padding), 0 for tokens of the text.
    public internal(set) var specialTokensMask: [Int] = []
    /// 1 for real tokens, 0 for padding.
    public internal(set) var attentionMask: [Int] = []
    /// The pieces cut off by truncation (each a full encoding with its own special tokens).
    public internal(set) var overflowing: [Encoding] = []
    /// The tokens of sequence 0 and 1 (special tokens excluded).
    var sequenceRanges: (first: Range<Int>?, second: Range<Int>?) = (nil, nil)

    public init() {}

    public var count: Int { ids.count }
    public var isEmpty: Bool { ids.isEmpty }

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
        a.ids == b.ids && a.typeIDs == b.typeIDs && a.tokens == b.tokens && a.wordIDs == b.wordIDs
            && a.offsets == b.offsets && a.specialTokensMask == b.specialTokensMask
            && a.attentionMask == b.attentionMask && a.overflowing == b.overflowing
            && a.sequenceRanges.first == b.sequenceRanges.first && a.sequenceRanges.second == b.sequenceRanges.second
    }

    mutating func reserveCapacity(_ n: Int) {
        ids.reserveCapacity(n); typeIDs.reserveCapacity(n); tokens.reserveCapacity(n)
        wordIDs.reserveCapacity(n); offsets.reserveCapacity(n)
        specialTokensMask.reserveCapacity(n); attentionMask.reserveCapacity(n)
    }

    @inline(__always)
    mutating func append(id: Int, token: String, offsets span: Span, word: Int?, typeID: Int, special: Bool) {
        ids.append(id)
        typeIDs.append(typeID)
        tokens.append(token)
        wordIDs.append(word)
        offsets.append(span)
        specialTokensMask.append(special ? 1 : 0)
        attentionMask.append(1)
    }

    /// HF's `set_sequence_id`: the whole encoding is sequence `id`.
    mutating func setSequenceID(_ id: Int) {
        if id == 0 { sequenceRanges.first = 0..<count } else { sequenceRanges.second = 0..<count }
    }

    mutating func setTypeIDs(_ typeID: Int) {
        typeIDs = [Int](repeating: typeID, count: count)
    }

    /// The tokens `range` as an encoding of their own (no overflowing, no sequence ranges).
    func slice(_ range: Range<Int>) -> Encoding {
        var e = Encoding()
        e.ids = Array(ids[range]); e.typeIDs = Array(typeIDs[range]); e.tokens = Array(tokens[range])
        e.wordIDs = Array(wordIDs[range]); e.offsets = Array(offsets[range])
        e.specialTokensMask = Array(specialTokensMask[range]); e.attentionMask = Array(attentionMask[range])
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
        ids.append(contentsOf: other.ids)
        typeIDs.append(contentsOf: other.typeIDs)
        tokens.append(contentsOf: other.tokens)
        let shift = growingOffsets ? (offsets.last?.end ?? 0) : 0
        if shift == 0 {
            offsets.append(contentsOf: other.offsets)
        } else {
            offsets.append(contentsOf: other.offsets.map { Span($0.start + shift, $0.end + shift) })
        }
        wordIDs.append(contentsOf: other.wordIDs)
        specialTokensMask.append(contentsOf: other.specialTokensMask)
        attentionMask.append(contentsOf: other.attentionMask)
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
            self = Encoding()
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
        switch direction {
        case .right:
            ids.append(contentsOf: repeatElement(id, count: extra))
            typeIDs.append(contentsOf: repeatElement(typeID, count: extra))
            tokens.append(contentsOf: repeatElement(token, count: extra))
            wordIDs.append(contentsOf: repeatElement(nil, count: extra))
            attentionMask.append(contentsOf: repeatElement(0, count: extra))
            specialTokensMask.append(contentsOf: repeatElement(1, count: extra))
            offsets.append(contentsOf: repeatElement(.zero, count: extra))
        case .left:
            ids.insert(contentsOf: repeatElement(id, count: extra), at: 0)
            typeIDs.insert(contentsOf: repeatElement(typeID, count: extra), at: 0)
            tokens.insert(contentsOf: repeatElement(token, count: extra), at: 0)
            wordIDs.insert(contentsOf: repeatElement(nil, count: extra), at: 0)
            attentionMask.insert(contentsOf: repeatElement(0, count: extra), at: 0)
            specialTokensMask.insert(contentsOf: repeatElement(1, count: extra), at: 0)
            offsets.insert(contentsOf: repeatElement(.zero, count: extra), at: 0)
            if let r = sequenceRanges.first { sequenceRanges.first = r.lowerBound + extra..<r.upperBound + extra }
            if let r = sequenceRanges.second { sequenceRanges.second = r.lowerBound + extra..<r.upperBound + extra }
        }
    }
}
