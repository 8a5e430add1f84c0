/// The last stage: adds special tokens ([CLS] … [SEP], <s> … </s>), sets segment ids, joins a pair
/// into one encoding; ByteLevel only trims the offsets.
public protocol PostProcessor: Sendable {
    /// How many tokens `process` adds (truncation leaves room for them).
    func addedTokenCount(isPair: Bool) -> Int
    /// HF's `process_encodings`: the encodings of the sequences (one or two) in, the parts to join out.
    func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding]
    var json: JSON { get }
}

extension PostProcessor {
    /// HF's `PostProcessor::process`.
    func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) -> Encoding {
        var encodings = second.map { [first, $0] } ?? [first]
        for k in encodings.indices {
            encodings[k].setSequenceID(k)
            for o in encodings[k].overflowing.indices { encodings[k].overflowing[o].setSequenceID(k) }
        }
        return Encoding.merged(processEncodings(encodings, addSpecialTokens: addSpecialTokens))
    }
}

/// Joining without a post-processor (HF's `default_process`).
enum DefaultProcessing {
    static func process(_ first: Encoding, _ second: Encoding?) -> Encoding {
        guard var second else { return first }
        var first = first
        first.setSequenceID(0)
        second.setSequenceID(1)
        return Encoding.merged([first, second])
    }
}

/// Builds post-processors from tokenizer.json.
enum PostProcessorCoding {
    static let types = ["BertProcessing", "RobertaProcessing", "TemplateProcessing", "ByteLevel", "Sequence"]

    static func load(_ json: JSONField) throws -> PostProcessor? {
        if json.isNull { return nil }
        switch try json.type() {
        case "BertProcessing":
            return BertProcessing(separator: try tokenPair(json.field("sep")), classifier: try tokenPair(json.field("cls")))
        case "RobertaProcessing":
            return RobertaProcessing(separator: try tokenPair(json.field("sep")), classifier: try tokenPair(json.field("cls")),
                                     trimOffsets: try json.optional("trim_offsets").bool(default: true),
                                     addPrefixSpace: try json.optional("add_prefix_space").bool(default: true))
        case "TemplateProcessing": return try TemplateProcessing(json: json)
        case "ByteLevel":
            return ByteLevelProcessing(trimOffsets: try json.optional("trim_offsets").bool(default: true),
                                       addPrefixSpace: try json.optional("add_prefix_space").bool(default: true))
        case "Sequence":
            return PostProcessorSequence(try json.field("processors").array().compactMap { try load($0) })
        default:
            try json.unknownType("post-processor", known: types)
        }
    }

    /// `["[SEP]", 102]`
    static func tokenPair(_ json: JSONField) throws -> (String, Int) {
        let items = try json.array()
        guard items.count == 2 else { throw json.fail("a [token, id] pair") }
        return (try items[0].string(), try items[1].nonNegativeInt())
    }
}

extension Encoding {
    /// An encoding of special tokens only (a template's special token, BERT's [CLS]).
    static func special(ids: [Int], tokens: [String], typeID: Int, source: TokenSource?) -> Encoding {
        var e = Encoding(source: source)
        for (id, t) in zip(ids, tokens) { e.append(id: id, token: t, offsets: .zero, word: nil, typeID: typeID, special: true) }
        return e
    }

    /// `prefix` + self + `suffix` as special tokens around the text's tokens (BERT / RoBERTa).
    func wrapped(prefix: [(String, Int)], suffix: [(String, Int)], prefixType: Int, suffixType: Int,
                 typeID newTypeID: Int?, sequence: Int) -> Encoding {
        var e = Encoding(source: source)
        e.reserveCapacity(count + prefix.count + suffix.count)
        for (t, id) in prefix { e.append(id: id, token: t, offsets: .zero, word: nil, typeID: prefixType, special: true) }
        let base = e.count
        if let newTypeID {
            e.records.append(contentsOf: records.map { var r = $0; r.typeID = UInt32(clamping: newTypeID); return r })
        } else {
            e.records.append(contentsOf: records)
        }
        for o in overrides { e.overrides.append(TokenOverride(index: base + o.index, text: o.text)) }
        for (t, id) in suffix { e.append(id: id, token: t, offsets: .zero, word: nil, typeID: suffixType, special: true) }
        let range = base..<base + count
        if sequence == 0 { e.sequenceRanges.first = range } else { e.sequenceRanges.second = range }
        return e
    }
}
