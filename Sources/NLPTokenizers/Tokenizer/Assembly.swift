/// The tokens of one sequence before post-processing, in reusable buffers.
struct RawSequence {
    var ids: [Int] = []
    var tokens: [String] = []
    var offsets: [Span] = []
    var words: [Int] = []

    var count: Int { ids.count }

    mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(id: Int, token: String, offsets span: Span, word: Int) {
        ids.append(id)
        tokens.append(token)
        offsets.append(span)
        words.append(word)
    }

    /// As an encoding of its own (HF's result of `encode_single_sequence`).
    func encoding(typeID: Int) -> Encoding {
        var e = Encoding()
        e.ids = ids
        e.tokens = tokens
        e.offsets = offsets
        e.wordIDs = words.map { $0 }
        e.typeIDs = [Int](repeating: typeID, count: ids.count)
        e.specialTokensMask = [Int](repeating: 0, count: ids.count)
        e.attentionMask = [Int](repeating: 1, count: ids.count)
        return e
    }
}

/// What a post-processor does when nothing overflows, as a flat list of pieces: special tokens
/// and the sequences, each with its segment id. `assemble` builds the final encoding in one pass;
/// it gives what HF's `process` + `merge` give in that case.
struct Layout {
    enum Piece {
        case special(ids: [Int], tokens: [String], typeID: Int)
        /// Sequence 0 or 1; `typeID` nil keeps the sequence's own (0 for the first, 1 for the second).
        case sequence(Int, typeID: Int?)
    }
    var pieces: [Piece]
    /// ByteLevel / RoBERTa offset trimming.
    var trim: (addPrefixSpace: Bool, Void)?
    /// Which sequences get a sequence range (HF's `set_sequence_id`).
    var marksSequences: Bool

    init?(_ processor: PostProcessor?, isPair: Bool, addSpecialTokens: Bool) {
        trim = nil
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
            if r.trimOffsets { trim = (r.addPrefixSpace, ()) }
        case let b as ByteLevelProcessing:
            pieces = isPair ? [.sequence(0, typeID: nil), .sequence(1, typeID: nil)] : [.sequence(0, typeID: nil)]
            if b.trimOffsets { trim = (b.addPrefixSpace, ()) }
        default:
            return nil
        }
    }

    func assemble(_ first: inout RawSequence, _ second: inout RawSequence, isPair: Bool, reserve: Int) -> Encoding {
        if let trim {
            Layout.trimOffsets(&first, addPrefixSpace: trim.addPrefixSpace)
            if isPair { Layout.trimOffsets(&second, addPrefixSpace: trim.addPrefixSpace) }
        }
        var total = 0
        for piece in pieces {
            switch piece {
            case .special(let ids, _, _): total += ids.count
            case .sequence(let k, _): total += k == 0 ? first.count : second.count
            }
        }
        var e = Encoding()
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
        e.ids.append(contentsOf: s.ids)
        e.tokens.append(contentsOf: s.tokens)
        e.offsets.append(contentsOf: s.offsets)
        for w in s.words { e.wordIDs.append(w) }
        e.typeIDs.append(contentsOf: repeatElement(typeID, count: s.count))
        e.specialTokensMask.append(contentsOf: repeatElement(0, count: s.count))
        e.attentionMask.append(contentsOf: repeatElement(1, count: s.count))
    }

    /// HF's `process_offsets` on the raw tokens.
    static func trimOffsets(_ s: inout RawSequence, addPrefixSpace: Bool) {
        for i in s.tokens.indices {
            if let trimmed = ByteLevelProcessing.trimmed(s.offsets[i], token: s.tokens[i], index: i, addPrefixSpace: addPrefixSpace) {
                s.offsets[i] = trimmed
            }
        }
    }
}
