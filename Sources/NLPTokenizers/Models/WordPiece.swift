/// WordPiece (BERT): greedy longest match first; pieces after the first carry the continuing prefix
/// (`##`); a word with a piece missing from the vocabulary, or longer than
/// `maxInputCharactersPerWord` characters, becomes the unknown token.
public final class WordPiece: BuiltInModel, @unchecked Sendable {
    let vocab: Vocabulary
    /// The vocabulary's table, held directly (its look-up reads only raw pointers).
    private let table: ByteStringTable
    /// Vocabulary entries that start with the prefix, keyed without it.
    private let continuations: ByteStringTable
    /// The id of each one-character word by its scalar value (-1: not in the vocabulary), for the
    /// scalars below `singleCharacterLimit`. Chinese text reaches the model one character a word
    /// (BertNormalizer spaces CJK characters apart): a dense array keeps the few thousand common
    /// characters in a few hundred cache lines, where the hash table spreads them over a megabyte.
    private let singleCharacters: UnsafeMutablePointer<Int32>
    private let singleCharacterLimit: Int
    public let unknownToken: String
    public let continuingSubwordPrefix: String
    public let maxInputCharactersPerWord: Int
    let unknownID: Int32

    public init(vocabulary: [(String, Int)], unknownToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
                maxInputCharactersPerWord: Int = 100) throws {
        vocab = Vocabulary(vocabulary)
        table = vocab.table
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        guard let unk = vocab.id(for: unknownToken) else {
            throw TokenizerFileError(field: "model.unk_token", "the unknown token \"\(unknownToken)\" is not in the vocabulary")
        }
        unknownID = Int32(unk)
        let prefix = Array(continuingSubwordPrefix.utf8)
        var table = ByteStringTable(capacity: vocabulary.count / 2)
        for (token, id) in vocabulary {
            let bytes = Array(token.utf8)
            if !prefix.isEmpty && bytes.count >= prefix.count && bytes.starts(with: prefix) {
                bytes.withUnsafeBufferPointer { table.insert(UnsafeBufferPointer(rebasing: $0[prefix.count...]), Int32(id)) }
            }
        }
        if prefix.isEmpty {
            for (token, id) in vocabulary { table.insert(token, Int32(id)) }
        }
        continuations = table
        let single = WordPiece.singleCharacterIDs(vocabulary, vocab.table)
        singleCharacters = single.ids
        // max_input_chars_per_word 0 makes every word unknown: no character takes the array's path.
        singleCharacterLimit = maxInputCharactersPerWord < 1 ? 0 : single.limit
    }

    deinit { singleCharacters.deallocate() }

    /// The dense id array of the vocabulary's one-scalar entries (up to U+2FFFF, where the CJK
    /// blocks end; rarer scalars go through the hash table).
    private static func singleCharacterIDs(_ vocabulary: [(String, Int)], _ table: ByteStringTable)
        -> (ids: UnsafeMutablePointer<Int32>, limit: Int) {
        var entries: [(UInt32, Int32)] = []
        for (token, _) in vocabulary {
            var scalars = token.unicodeScalars.makeIterator()
            // The id the hash table gives (the same one when a token is listed twice).
            if let c = scalars.next(), scalars.next() == nil, c.value < 0x30000 { entries.append((c.value, table.find(token))) }
        }
        let limit = Int(entries.map(\.0).max() ?? 0) + 1
        let ids = UnsafeMutablePointer<Int32>.allocate(capacity: limit)
        ids.initialize(repeating: -1, count: limit)
        for (c, id) in entries { ids[Int(c)] = id }
        return (ids, limit)
    }

    convenience init(json: JSONField) throws {
        let entries = try Vocabulary.entries(try json.field("vocab"))
        try self.init(vocabulary: entries,
                      unknownToken: try json.optional("unk_token").stringOrNull() ?? "[UNK]",
                      continuingSubwordPrefix: try json.optional("continuing_subword_prefix").stringOrNull() ?? "##",
                      maxInputCharactersPerWord: try json.optional("max_input_chars_per_word").int(default: 100))
    }

    public var json: JSON {
        .object(["type": "WordPiece", "unk_token": .string(unknownToken),
                 "continuing_subword_prefix": .string(continuingSubwordPrefix),
                 "max_input_chars_per_word": JSON(maxInputCharactersPerWord), "vocab": vocab.json])
    }

    public var vocabularySize: Int { vocab.count }
    public func id(forToken token: String) -> Int? { vocab.id(for: token) }
    public func token(forID id: Int) -> String? { vocab.token(for: id) }
    public var vocabulary: [String: Int] { vocab.dictionary }
    public var readsByteLevel: Bool { false }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: TokenBuffer) {
        guard let p = word.baseAddress, word.count > 0 else { return }
        let n = word.count
        if n <= 4 {
            // One character: the whole word or nothing (no shorter piece ends on a character boundary).
            let (c, length) = UTF8Scalars.decode(p, at: 0)
            if length == n && Int(c) < singleCharacterLimit {
                let id = singleCharacters[Int(c)]
                tokens.append(ModelToken(id: id >= 0 ? id : unknownID, start: 0, end: Int32(n)))
                return
            }
        }
        if n > maxInputCharactersPerWord && UTF8Scalars.count(p, n) > maxInputCharactersPerWord {
            tokens.append(ModelToken(id: unknownID, start: 0, end: Int32(n)))
            return
        }
        let first = tokens.count
        let mainLongest = table.maxKeyLength, continuationLongest = continuations.maxKeyLength
        var start = 0
        while start < n {
            var end = min(n, start + (start == 0 ? mainLongest : continuationLongest))
            while end < n && p[end] & 0xC0 == 0x80 { end -= 1 }   // back to a character boundary
            var found: Int32 = -1
            while end > start {
                found = start == 0 ? table.find(p, end) : continuations.find(p + start, end - start)
                if found >= 0 { break }
                end -= 1
                while end > start && p[end] & 0xC0 == 0x80 { end -= 1 }
            }
            if found < 0 {
                tokens.count = first
                tokens.append(ModelToken(id: unknownID, start: 0, end: Int32(n)))
                return
            }
            tokens.append(ModelToken(id: found, start: Int32(start), end: Int32(end)))
            start = end
        }
    }
}

extension WordPiece {
    /// Reads a BERT vocab.txt: one token a line (split on `\n` only; a trailing `\r` and trailing
    /// whitespace are trimmed, as HF reads it), the line number is the id.
    public static func readVocabulary(file path: String) throws -> [(String, Int)] {
        let reader = try LineReader(path: path)
        var entries: [(String, Int)] = []
        for line in reader {
            let text = try line.text()
            var scalars = Array(text.unicodeScalars)
            while let last = scalars.last, UnicodeClass.of(last.value).contains(.whitespace) { scalars.removeLast() }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            entries.append((String(view), line.number - 1))
        }
        if let error = reader.error { throw error }
        return entries
    }
}
