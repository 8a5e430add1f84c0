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
/// it gives what HF's `process` + `merge` give in that case. The pieces sit in raw memory so that
/// threads encoding at once do not contend on reference counts.
struct Layout: @unchecked Sendable {
    struct Piece {
        /// -1 for a special token, else the sequence (0 or 1).
        var sequence: Int32
        /// The segment id; -1 keeps the sequence's own (0 for the first, 1 for the second).
        var typeID: Int32
        var id: Int
        /// A special token whose text is not the vocabulary's (then in `specialTexts`).
        var hasText = false
    }
    private final class Storage {
        let pieces: UnsafeMutablePointer<Piece>
        let count: Int
        init(_ list: [Piece]) {
            count = list.count
            pieces = .allocate(capacity: max(1, list.count))
            pieces.initialize(from: list, count: list.count)
        }
        deinit { pieces.deallocate() }
    }
    private let storage: Storage
    private let pieces: UnsafeMutablePointer<Piece>
    private let pieceCount: Int
    private let specialCount: Int
    /// Special tokens whose text is not the vocabulary's, by piece index.
    private let specialTexts: [Int: String]
    /// ByteLevel / RoBERTa offset trimming.
    private let trimAddPrefixSpace: Bool?
    /// Which sequences get a sequence range (HF's `set_sequence_id`).
    private let marksSequences: Bool

    private enum Item { case special(Int, String, Int), sequence(Int, Int?) }

    init?(_ processor: PostProcessor?, isPair: Bool, addSpecialTokens: Bool, source: TokenSource) {
        var items: [Item] = []
        var trim: Bool? = nil
        var marks = true
        let bare: [Item] = isPair ? [.sequence(0, nil), .sequence(1, nil)] : [.sequence(0, nil)]
        switch processor {
        case nil:
            items = bare
            marks = isPair
        case let t as TemplateProcessing:
            for piece in isPair ? t.pair : t.single {
                switch piece {
                case .sequence(let second, let typeID):
                    if second && !isPair { continue }
                    items.append(.sequence(second ? 1 : 0, typeID))
                case .specialToken(let id, let typeID):
                    if addSpecialTokens, let s = t.specialTokens[id] {
                        for (i, text) in zip(s.ids, s.tokens) { items.append(.special(i, text, typeID)) }
                    }
                }
            }
        case let b as BertProcessing:
            let cls = Item.special(b.classifier.id, b.classifier.token, 0)
            if !addSpecialTokens {
                items = bare
            } else if isPair {
                items = [cls, .sequence(0, nil), .special(b.separator.id, b.separator.token, 0),
                         .sequence(1, nil), .special(b.separator.id, b.separator.token, 1)]
            } else {
                items = [cls, .sequence(0, nil), .special(b.separator.id, b.separator.token, 0)]
            }
        case let r as RobertaProcessing:
            let cls = Item.special(r.classifier.id, r.classifier.token, 0)
            let sep = Item.special(r.separator.id, r.separator.token, 0)
            if !addSpecialTokens {
                items = isPair ? [.sequence(0, 0), .sequence(1, 0)] : [.sequence(0, 0)]
            } else if isPair {
                items = [cls, .sequence(0, 0), sep, sep, .sequence(1, 0), sep]
            } else {
                items = [cls, .sequence(0, 0), sep]
            }
            if r.trimOffsets { trim = r.addPrefixSpace }
        case let b as ByteLevelProcessing:
            items = bare
            if b.trimOffsets { trim = b.addPrefixSpace }
        default:
            return nil
        }
        var list: [Piece] = []
        var texts: [Int: String] = [:]
        var specials = 0
        for (k, item) in items.enumerated() {
            switch item {
            case .special(let id, let text, let typeID):
                list.append(Piece(sequence: -1, typeID: Int32(typeID), id: id, hasText: text != source.token(id)))
                if text != source.token(id) { texts[k] = text }
                specials += 1
            case .sequence(let sequence, let typeID):
                list.append(Piece(sequence: Int32(sequence), typeID: Int32(typeID ?? -1), id: 0))
            }
        }
        storage = Storage(list)
        pieces = storage.pieces
        pieceCount = list.count
        specialCount = specials
        specialTexts = texts
        trimAddPrefixSpace = trim
        marksSequences = marks
    }

    func assemble(_ first: RawSequence, _ second: RawSequence, isPair: Bool, reserve: Int,
                  source: TokenSource) -> Encoding {
        if let addPrefixSpace = trimAddPrefixSpace {
            Layout.trimOffsets(first, addPrefixSpace: addPrefixSpace, source)
            if isPair { Layout.trimOffsets(second, addPrefixSpace: addPrefixSpace, source) }
        }
        let total = specialCount + first.count + (isPair ? second.count : 0)
        var e = Encoding(source: source)
        e.reserveCapacity(max(total, reserve))
        for k in 0..<pieceCount {
            let piece = pieces[k]
            if piece.sequence < 0 {
                if piece.hasText, let text = specialTexts[k] { e.overrides.append(TokenOverride(index: e.count, text: text)) }
                e.ids.append(piece.id)
                e.offsets.append(.zero)
                e.info.append(TokenInfo(word: nil, typeID: Int(piece.typeID), special: true))
                continue
            }
            let start = e.count
            if piece.sequence == 0 {
                Layout.append(first, typeID: piece.typeID >= 0 ? Int(piece.typeID) : 0, to: &e)
            } else {
                Layout.append(second, typeID: piece.typeID >= 0 ? Int(piece.typeID) : 1, to: &e)
            }
            if marksSequences {
                if piece.sequence == 0 { e.sequenceRanges.first = start..<e.count } else { e.sequenceRanges.second = start..<e.count }
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

    init(_ processor: PostProcessor?, source: TokenSource) {
        single = Layout(processor, isPair: false, addSpecialTokens: true, source: source)
        pair = Layout(processor, isPair: true, addSpecialTokens: true, source: source)
        bareSingle = Layout(processor, isPair: false, addSpecialTokens: false, source: source)
        barePair = Layout(processor, isPair: true, addSpecialTokens: false, source: source)
    }

    @inline(__always)
    func layout(isPair: Bool, addSpecialTokens: Bool) -> Layout? {
        addSpecialTokens ? (isPair ? pair : single) : (isPair ? barePair : bareSingle)
    }
}
