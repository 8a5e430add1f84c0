/// The tokens of one sequence before post-processing, in reusable buffers.
struct RawSequence {
    var ids: [Int] = []
    var offsets: [Span] = []
    var words: [Int32] = []
    /// Tokens whose text differs from the vocabulary's (added tokens with their whitespace).
    var overrides: [TokenOverride] = []

    var count: Int { ids.count }

    mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        overrides.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(id: Int, offsets span: Span, word: Int) {
        ids.append(id)
        offsets.append(span)
        words.append(Int32(word))
    }

    /// As an encoding of its own (HF's result of `encode_single_sequence`).
    func encoding(typeID: Int, source: TokenSource) -> Encoding {
        var e = Encoding(source: source)
        e.ids = ids
        e.offsets = offsets
        let t = UInt32(clamping: typeID)
        e.info = words.map { var i = TokenInfo(word: Int($0), typeID: 0, special: false); i.typeID = t; return i }
        e.overrides = overrides
        return e
    }

    func token(at i: Int, _ source: TokenSource) -> String {
        if let o = overrides.last(where: { $0.index == i }) { return o.text }
        return source.token(ids[i])
    }
}

/// What a post-processor does when nothing overflows, as a flat list of pieces: special tokens
/// and the sequences, each with its segment id. `assemble` builds the final encoding in one pass;
/// it gives what HF's `process` + `merge` give in that case.
struct Layout: Sendable {
    enum Piece: Sendable {
        case special(ids: [Int], tokens: [String], typeID: Int)
        /// Sequence 0 or 1; `typeID` nil keeps the sequence's own (0 for the first, 1 for the second).
        case sequence(Int, typeID: Int?)
    }
    var pieces: [Piece]
    /// ByteLevel / RoBERTa offset trimming.
    var trimAddPrefixSpace: Bool?
    /// Which sequences get a sequence range (HF's `set_sequence_id`).
    var marksSequences: Bool

    init?(_ processor: PostProcessor?, isPair: Bool, addSpecialTokens: Bool) {
        trimAddPrefixSpace = nil
        marksSequences = true
        switch processor {
        case nil:
            pieces = isPair ? [.sequence(0, typeID: nil), .sequence(1, typeID: nil)] : [.sequence(0, typeID: nil)]
            marksSequences = isPair
        case let t as TemplateProcessing:
            pieces = []
            for piece in isPair ? t.pair : t.single {
                switch piece {
                case .sequence(let second, let typeID):
                    if second && !isPair { continue }
                    pieces.append(.sequence(second ? 1 : 0, typeID: typeID))
                case .specialToken(let id, let typeID):
                    if addSpecialTokens, let s = t.specialTokens[id] {
                        pieces.append(.special(ids: s.ids, tokens: s.tokens, typeID: typeID))
                    }
                }
            }
        case let b as BertProcessing:
            let cls = Piece.special(ids: [b.classifier.id], tokens: [b.classifier.token], typeID: 0)
            if !addSpecialTokens {
                pieces = isPair ? [.sequence(0, typeID: nil), .sequence(1, typeID: nil)] : [.sequence(0, typeID: nil)]
            } else if isPair {
                pieces = [cls, .sequence(0, typeID: nil), .special(ids: [b.separator.id], tokens: [b.separator.token], typeID: 0),
                          .sequence(1, typeID: nil), .special(ids: [b.separator.id], tokens: [b.separator.token], typeID: 1)]
            } else {
                pieces = [cls, .sequence(0, typeID: nil), .special(ids: [b.separator.id], tokens: [b.separator.token], typeID: 0)]
            }
        case let r as RobertaProcessing:
            let cls = Piece.special(ids: [r.classifier.id], tokens: [r.classifier.token], typeID: 0)
            let sep = Piece.special(ids: [r.separator.id], tokens: [r.separator.token], typeID: 0)
            if !addSpecialTokens {
                pieces = isPair ? [.sequence(0, typeID: 0), .sequence(1, typeID: 0)] : [.sequence(0, typeID: 0)]
            } else if isPair {
                pieces = [cls, .sequence(0, typeID: 0), sep, sep, .sequence(1, typeID: 0), sep]
            } else {
                pieces = [cls, .sequence(0, typeID: 0), sep]
            }
            if r.trimOffsets { trimAddPrefixSpace = r.addPrefixSpace }
        case let b as ByteLevelProcessing:
            pieces = isPair ? [.sequence(0, typeID: nil), .sequence(1, typeID: nil)] : [.sequence(0, typeID: nil)]
            if b.trimOffsets { trimAddPrefixSpace = b.addPrefixSpace }
        default:
            return nil
        }
    }

    func assemble(_ first: inout RawSequence, _ second: inout RawSequence, isPair: Bool, reserve: Int,
                  source: TokenSource) -> Encoding {
        if let addPrefixSpace = trimAddPrefixSpace {
            Layout.trimOffsets(&first, addPrefixSpace: addPrefixSpace, source)
            if isPair { Layout.trimOffsets(&second, addPrefixSpace: addPrefixSpace, source) }
        }
        var total = 0
        for piece in pieces {
            switch piece {
            case .special(let ids, _, _): total += ids.count
            case .sequence(let k, _): total += k == 0 ? first.count : second.count
            }
        }
        var e = Encoding(source: source)
        e.reserveCapacity(max(total, reserve))
        for piece in pieces {
            switch piece {
            case .special(let ids, let tokens, let typeID):
                for (id, t) in zip(ids, tokens) {
                    e.append(id: id, token: t, offsets: .zero, word: nil, typeID: typeID, special: true)
                }
            case .sequence(let k, let typeID):
                let start = e.count
                if k == 0 {
                    Layout.append(first, typeID: typeID ?? 0, to: &e)
                } else {
                    Layout.append(second, typeID: typeID ?? 1, to: &e)
                }
                if marksSequences {
                    if k == 0 { e.sequenceRanges.first = start..<e.count } else { e.sequenceRanges.second = start..<e.count }
                }
            }
        }
        return e
    }

    private static func append(_ s: RawSequence, typeID: Int, to e: inout Encoding) {
        let base = e.count
        e.ids.append(contentsOf: s.ids)
        e.offsets.append(contentsOf: s.offsets)
        let t = UInt32(clamping: typeID)
        for w in s.words {
            var i = TokenInfo(word: nil, typeID: 0, special: false)
            i.word = w
            i.typeID = t
            e.info.append(i)
        }
        for o in s.overrides { e.overrides.append(TokenOverride(index: base + o.index, text: o.text)) }
    }

    /// HF's `process_offsets` on the raw tokens.
    static func trimOffsets(_ s: inout RawSequence, addPrefixSpace: Bool, _ source: TokenSource) {
        for i in s.ids.indices {
            if let trimmed = ByteLevelProcessing.trimmed(s.offsets[i], token: s.token(at: i, source), index: i,
                                                         addPrefixSpace: addPrefixSpace) {
                s.offsets[i] = trimmed
            }
        }
    }
}

/// The four layouts of a post-processor (single or pair, with or without special tokens), made
/// once with the tokenizer.
struct Layouts: Sendable {
    private let single: Layout?, pair: Layout?, bareSingle: Layout?, barePair: Layout?

    init(_ processor: PostProcessor?) {
        single = Layout(processor, isPair: false, addSpecialTokens: true)
        pair = Layout(processor, isPair: true, addSpecialTokens: true)
        bareSingle = Layout(processor, isPair: false, addSpecialTokens: false)
        barePair = Layout(processor, isPair: true, addSpecialTokens: false)
    }

    @inline(__always)
    func layout(isPair: Bool, addSpecialTokens: Bool) -> Layout? {
        addSpecialTokens ? (isPair ? pair : single) : (isPair ? barePair : bareSingle)
    }
}
