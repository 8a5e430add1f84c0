/// Special tokens from a template: `single` and `pair` list the pieces — a sequence (A or B) or a
/// special token — each with its segment id (`[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1`).
public struct TemplateProcessing: PostProcessor {
    public enum Piece: Equatable, Sendable {
        case sequence(isSecond: Bool, typeID: Int)
        case specialToken(String, typeID: Int)
    }
    public struct SpecialToken: Equatable, Sendable {
        public var id: String
        public var ids: [Int]
        public var tokens: [String]
        public init(id: String, ids: [Int], tokens: [String]) {
            self.id = id
            self.ids = ids
            self.tokens = tokens
        }
    }

    public let single: [Piece]
    public let pair: [Piece]
    public let specialTokens: [String: SpecialToken]
    /// The special tokens in file order (for saving).
    let specialTokenOrder: [String]

    public init(single: [Piece], pair: [Piece], specialTokens: [SpecialToken]) throws {
        self.single = single
        self.pair = pair
        var map: [String: SpecialToken] = [:]
        for t in specialTokens {
            guard t.ids.count == t.tokens.count else {
                throw TokenizerFileError(field: "post_processor.special_tokens.\(t.id)", "ids and tokens must have the same length")
            }
            map[t.id] = t
        }
        self.specialTokens = map
        specialTokenOrder = specialTokens.map(\.id)
        for piece in single + pair {
            if case .specialToken(let id, _) = piece, map[id] == nil {
                throw TokenizerFileError(field: "post_processor", "the template uses the special token \"\(id)\", which special_tokens does not define")
            }
        }
    }

    /// Parses HF's template strings: `"[CLS] $A [SEP]"`, `"$B:1"`, `"$0"` (= $A with segment 0).
    public init(single: String, pair: String, specialTokens: [(String, Int)]) throws {
        func parse(_ template: String) throws -> [Piece] {
            try template.split(separator: " ").map { word -> Piece in
                var name = Substring(word), typeID = 0
                if let colon = word.lastIndex(of: ":") {
                    guard let t = Int(word[word.index(after: colon)...]) else {
                        throw TokenizerFileError(field: "", "bad template piece \"\(word)\"")
                    }
                    typeID = t
                    name = word[..<colon]
                }
                if name.hasPrefix("$") {
                    let rest = name.dropFirst()
                    switch rest {
                    case "", "A": return .sequence(isSecond: false, typeID: typeID)
                    case "B": return .sequence(isSecond: true, typeID: typeID)
                    default:
                        guard let t = Int(rest), !word.contains(":") else {
                            throw TokenizerFileError(field: "", "bad template piece \"\(word)\"")
                        }
                        return .sequence(isSecond: false, typeID: t)
                    }
                }
                return .specialToken(String(name), typeID: typeID)
            }
        }
        try self.init(single: parse(single), pair: parse(pair),
                      specialTokens: specialTokens.map { SpecialToken(id: $0.0, ids: [$0.1], tokens: [$0.0]) })
    }

    init(json: JSONField) throws {
        func pieces(_ field: JSONField) throws -> [Piece] {
            try field.array().map { p in
                if p.has("Sequence") {
                    let s = try p.field("Sequence")
                    let id = try s.field("id").string()
                    guard id == "A" || id == "B" else { throw TokenizerFileError(field: "\(s.path).id", "expected \"A\" or \"B\"") }
                    return .sequence(isSecond: id == "B", typeID: try s.optional("type_id").int(default: 0))
                }
                if p.has("SpecialToken") {
                    let s = try p.field("SpecialToken")
                    return .specialToken(try s.field("id").string(), typeID: try s.optional("type_id").int(default: 0))
                }
                throw p.fail("{\"Sequence\": …} or {\"SpecialToken\": …}")
            }
        }
        var tokens: [SpecialToken] = []
        for (key, value) in try json.optional("special_tokens").isNull ? [] : json.field("special_tokens").members() {
            tokens.append(SpecialToken(id: try value.optional("id").stringOrNull() ?? key,
                                       ids: try value.field("ids").array().map { try $0.nonNegativeInt() },
                                       tokens: try value.field("tokens").array().map { try $0.string() }))
        }
        try self.init(single: pieces(json.field("single")), pair: pieces(json.field("pair")), specialTokens: tokens)
    }

    public var json: JSON {
        func pieces(_ list: [Piece]) -> JSON {
            .array(list.map { piece in
                switch piece {
                case .sequence(let second, let t):
                    return .object(["Sequence": .object(["id": second ? "B" : "A", "type_id": JSON(t)])])
                case .specialToken(let id, let t):
                    return .object(["SpecialToken": .object(["id": .string(id), "type_id": JSON(t)])])
                }
            })
        }
        var tokens = JSONObject()
        for id in specialTokenOrder {
            let t = specialTokens[id]!
            tokens[id] = .object(["id": .string(t.id), "ids": .array(t.ids.map { JSON($0) }),
                                  "tokens": .array(t.tokens.map { .string($0) })])
        }
        return .object(["type": "TemplateProcessing", "single": pieces(single), "pair": pieces(pair),
                        "special_tokens": .object(tokens)])
    }

    public func addedTokenCount(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { n, piece in
            if case .specialToken(let id, _) = piece { return n + (specialTokens[id]?.ids.count ?? 0) }
            return n
        }
    }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var encodings = encodings
        let template = encodings.count == 2 ? pair : single
        var out: [Encoding] = []
        for piece in template {
            switch piece {
            case .sequence(let second, let typeID):
                let i = second ? 1 : 0
                guard i < encodings.count else { continue }
                encodings[i].setTypeIDs(typeID)
                encodings[i].setSequenceID(i)
                out.append(encodings[i])
            case .specialToken(let id, let typeID):
                if addSpecialTokens, let t = specialTokens[id] {
                    out.append(.special(ids: t.ids, tokens: t.tokens, typeID: typeID, source: encodings.first?.source))
                }
            }
        }
        return out
    }
}

/// Several post-processors, one after the other.
public struct PostProcessorSequence: PostProcessor {
    public let processors: [PostProcessor]
    public init(_ processors: [PostProcessor]) { self.processors = processors }
    public var json: JSON { .object(["type": "Sequence", "processors": .array(processors.map(\.json))]) }
    public func addedTokenCount(isPair: Bool) -> Int { processors.reduce(0) { $0 + $1.addedTokenCount(isPair: isPair) } }
    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        processors.reduce(encodings) { $1.processEncodings($0, addSpecialTokens: addSpecialTokens) }
    }
}
