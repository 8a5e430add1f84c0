/// The tokens of one sequence before post-processing, in a reusable raw buffer of the records an
/// encoding keeps (type id 0, not special: `assemble` copies them and sets the type id).
final class RawSequence {
    let records = GrowableBuffer<TokenRecord>(capacity: 256)
    /// Tokens whose text differs from the vocabulary's (added tokens with their whitespace).
    var overrides: [TokenOverride] = []

    var count: Int { records.count }

    func removeAll() {
        records.count = 0
        if !overrides.isEmpty { overrides.removeAll() }
    }

    /// The model's tokens of one word (byte offsets from `base` in the arena), their offsets mapped
    /// to characters: written through a local pointer, the count set once.
    @inline(__always)
    func append(_ tokens: TokenBuffer, at base: Int, word: Int32, _ mapper: inout SpanMapper, _ arena: UnsafePointer<UInt8>) {
        let n = tokens.count
        records.reserve(n)
        let k = records.count
        let out = records.base + k
        let input = tokens.base
        for j in 0..<n {
            let t = input[j]
            out[j] = TokenRecord(id: Int(t.id), span: mapper.span(base + Int(t.start), base + Int(t.end), arena), word: word,
                                 typeID: 0, special: false)
        }
        records.count = k + n
    }

    func append(id: Int, offsets span: Span, word: Int) {
        records.reserve(1)
        records.base[records.count] = TokenRecord(id: id, span: span, word: Int32(word), typeID: 0, special: false)
        records.count += 1
    }

    /// As an encoding of its own (HF's result of `encode_single_sequence`).
    func encoding(typeID: Int, source: TokenSource) -> Encoding {
        var e = Encoding(source: source)
        e.records = TokenRecords(copying: records.buffer)
        if typeID != 0 { e.setTypeIDs(typeID) }
        e.overrides = overrides
        return e
    }

    func token(at i: Int, _ source: TokenSource) -> String {
        if let o = overrides.last(where: { $0.index == i }) { return o.text }
        return source.token(Int(records.base[i].id))
    }
}

/// What a post-processor does when nothing overflows, as a flat list of pieces: special tokens
/// and the sequences, each with its segment id. `assemble` builds the final encoding in one pass;
/// it gives what HF's `process` + `merge` give in that case. The pieces sit in raw memory, and the
/// encode path reaches a layout through an unretained reference (`Layouts`), so that threads
/// encoding at once do not contend on reference counts.
final class Layout: @unchecked Sendable {
    struct Piece {
        /// -1 for a special token, else the sequence (0 or 1).
        var sequence: Int32
        /// The segment id; -1 keeps the sequence's own (0 for the first, 1 for the second).
        var typeID: Int32
        var id: Int
        /// A special token whose text is not the vocabulary's (then in `specialTexts`).
        var hasText = false
    }
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
        pieces = .allocate(capacity: max(1, list.count))
        pieces.initialize(from: list, count: list.count)
        pieceCount = list.count
        specialCount = specials
        specialTexts = texts
        trimAddPrefixSpace = trim
        marksSequences = marks
    }

    deinit { pieces.deallocate() }

    /// The encoding, made at once from its parts (no copy of a half-built one): its tokens in a run
    /// of `arena` (a batch worker's shared blocks), or else in one allocation with room for
    /// `reserve` tokens (padding appends without reallocating).
    func assemble(_ first: RawSequence, _ second: RawSequence, isPair: Bool, reserve: Int,
                  source: TokenSource, arena: RecordArena?) -> Encoding {
        if let addPrefixSpace = trimAddPrefixSpace {
            Layout.trimOffsets(first, addPrefixSpace: addPrefixSpace, source)
            if isPair { Layout.trimOffsets(second, addPrefixSpace: addPrefixSpace, source) }
        }
        let total = specialCount + first.count + (isPair ? second.count : 0)
        let pieces = self.pieces, pieceCount = self.pieceCount
        let records = TokenRecords(count: total, capacity: reserve, arena: arena) { out in
            var k = 0
            for i in 0..<pieceCount {
                let piece = pieces[i]
                if piece.sequence < 0 {
                    out[k] = TokenRecord(id: piece.id, span: .zero, word: -1, typeID: UInt32(clamping: piece.typeID), special: true)
                    k += 1
                    continue
                }
                let s = piece.sequence == 0 ? first : second
                let n = s.count
                (out + k).initialize(from: s.records.base, count: n)
                let typeID = UInt32(clamping: piece.typeID >= 0 ? piece.typeID : piece.sequence)
                if typeID != 0 { for j in k..<k + n { out[j].typeID = typeID } }
                k += n
            }
        }
        var overrides: [TokenOverride] = []
        var ranges: (first: Range<Int>?, second: Range<Int>?) = (nil, nil)
        var k = 0
        for i in 0..<pieceCount {
            let piece = pieces[i]
            if piece.sequence < 0 {
                if piece.hasText, let text = specialTexts[i] { overrides.append(TokenOverride(index: k, text: text)) }
                k += 1
                continue
            }
            let s = piece.sequence == 0 ? first : second
            for o in s.overrides { overrides.append(TokenOverride(index: k + o.index, text: o.text)) }
            if marksSequences {
                if piece.sequence == 0 { ranges.first = k..<k + s.count } else { ranges.second = k..<k + s.count }
            }
            k += s.count
        }
        return Encoding(records: records, source: source, overrides: overrides, sequenceRanges: ranges)
    }

    /// HF's `process_offsets` on the raw tokens.
    static func trimOffsets(_ s: RawSequence, addPrefixSpace: Bool, _ source: TokenSource) {
        for i in 0..<s.count {
            if let trimmed = ByteLevelProcessing.trimmed(s.records.base[i].span, token: s.token(at: i, source), index: i,
                                                         addPrefixSpace: addPrefixSpace) {
                s.records.base[i].span = trimmed
            }
        }
    }
}

/// The four layouts of a post-processor (single or pair, with or without special tokens), made
/// once with the tokenizer, which holds them; `layout` hands out unretained references.
struct Layouts: Sendable {
    private let layouts: [Layout?]
    private let single: Unmanaged<Layout>?, pair: Unmanaged<Layout>?
    private let bareSingle: Unmanaged<Layout>?, barePair: Unmanaged<Layout>?

    init(_ processor: PostProcessor?, source: TokenSource) {
        layouts = [(false, true), (true, true), (false, false), (true, false)].map { isPair, special in
            Layout(processor, isPair: isPair, addSpecialTokens: special, source: source)
        }
        let references = layouts.map { $0.map { Unmanaged.passUnretained($0) } }
        (single, pair, bareSingle, barePair) = (references[0], references[1], references[2], references[3])
    }

    /// Valid while this value (or a copy) lives.
    @inline(__always)
    func layout(isPair: Bool, addSpecialTokens: Bool) -> Unmanaged<Layout>? {
        addSpecialTokens ? (isPair ? pair : single) : (isPair ? barePair : bareSingle)
    }
}
