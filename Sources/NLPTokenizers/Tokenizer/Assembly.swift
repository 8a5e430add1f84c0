/// The tokens of one sequence before post-processing, in reusable raw buffers.
final class RawSequence {
    let ids = GrowableBuffer<Int>(capacity: 256)
    let offsets = GrowableBuffer<Span>(capacity: 256)
    let words = GrowableBuffer<Int32>(capacity: 256)
    /// Tokens whose text differs from the vocabulary's (added tokens with their whitespace).
    var overrides: [TokenOverride] = []

    var count: Int { ids.count }

    func removeAll() {
        ids.count = 0
        offsets.count = 0
        words.count = 0
        if !overrides.isEmpty { overrides.removeAll() }
    }

    /// Room for `n` more tokens (then `appendUnchecked`).
    @inline(__always)
    func reserve(_ n: Int) {
        ids.reserve(n); offsets.reserve(n); words.reserve(n)
    }

    @inline(__always)
    func appendUnchecked(id: Int, offsets span: Span, word: Int32) {
        let k = ids.count
        ids.base[k] = id
        offsets.base[k] = span
        words.base[k] = word
        ids.count = k + 1
        offsets.count = k + 1
        words.count = k + 1
    }

    func append(id: Int, offsets span: Span, word: Int) {
        reserve(1)
        appendUnchecked(id: id, offsets: span, word: Int32(word))
    }

    /// As an encoding of its own (HF's result of `encode_single_sequence`).
    func encoding(typeID: Int, source: TokenSource) -> Encoding {
        var e = Encoding(source: source)
        e.ids = Array(ids.buffer)
        e.offsets = Array(offsets.buffer)
        e.info = words.buffer.map { TokenInfo(word: Int($0), typeID: typeID, special: false) }
        e.overrides = overrides
        return e
    }

    func token(at i: Int, _ source: TokenSource) -> String {
        if let o = overrides.last(where: { $0.index == i }) { return o.text }
        return source.token(ids.base[i])
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

    func assemble(_ first: RawSequence, _ second: RawSequence, isPair: Bool, reserve: Int,
                  source: TokenSource) -> Encoding {
        if let addPrefixSpace = trimAddPrefixSpace {
            Layout.trimOffsets(first, addPrefixSpace: addPrefixSpace, source)
            if isPair { Layout.trimOffsets(second, addPrefixSpace: addPrefixSpace, source) }
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
        e.ids.append(contentsOf: s.ids.buffer)
        e.offsets.append(contentsOf: s.offsets.buffer)
        let t = UInt32(clamping: typeID)
        var info = TokenInfo(word: nil, typeID: 0, special: false)
        info.typeID = t
        let words = s.words.base
        for k in 0..<s.count {
            info.word = words[k]
            e.info.append(info)
        }
        for o in s.overrides { e.overrides.append(TokenOverride(index: base + o.index, text: o.text)) }
    }

    /// HF's `process_offsets` on the raw tokens.
    static func trimOffsets(_ s: RawSequence, addPrefixSpace: Bool, _ source: TokenSource) {
        for i in 0..<s.count {
            if let trimmed = ByteLevelProcessing.trimmed(s.offsets.base[i], token: s.token(at: i, source), index: i,
                                                         addPrefixSpace: addPrefixSpace) {
                s.offsets.base[i] = trimmed
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
