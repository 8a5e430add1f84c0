/// WordLevel: each word is one vocabulary entry, or the unknown token.
public final class WordLevel: BuiltInModel, @unchecked Sendable {
    let vocab: Vocabulary
    public let unknownToken: String
    let unknownID: Int32

    public init(vocabulary: [(String, Int)], unknownToken: String = "[UNK]") throws {
        vocab = Vocabulary(vocabulary)
        self.unknownToken = unknownToken
        guard let unk = vocab.id(for: unknownToken) else {
            throw TokenizerFileError(field: "model.unk_token", "the unknown token \"\(unknownToken)\" is not in the vocabulary")
        }
        unknownID = Int32(unk)
    }

    convenience init(json: JSONField) throws {
        let entries = try Vocabulary.entries(try json.field("vocab"))
        try self.init(vocabulary: entries, unknownToken: try json.optional("unk_token").stringOrNull() ?? "<unk>")
    }

    public var json: JSON {
        .object(["type": "WordLevel", "vocab": vocab.json, "unk_token": .string(unknownToken)])
    }

    public var vocabularySize: Int { vocab.count }
    public func id(forToken token: String) -> Int? { vocab.id(for: token) }
    public func token(forID id: Int) -> String? { vocab.token(for: id) }
    public var vocabulary: [String: Int] { vocab.dictionary }
    public var readsByteLevel: Bool { false }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: TokenBuffer) {
        guard let p = word.baseAddress, word.count > 0 else { return }
        let id = vocab.id(p, word.count)
        tokens.append(ModelToken(id: id >= 0 ? id : unknownID, start: 0, end: Int32(word.count)))
    }
}
