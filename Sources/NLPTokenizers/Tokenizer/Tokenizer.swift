/// A Hugging Face-compatible tokenizer: normalizer → pre-tokenizer → model → post-processor, with
/// added tokens, truncation, padding and a decoder, loaded from and saved to tokenizer.json.
///
/// A `Tokenizer` is a value whose parts are immutable: copies are cheap and one tokenizer may be
/// used from any number of threads at once (scratch memory and caches are per thread).
///
/// ```swift
/// let tokenizer = try Tokenizer(contentsOfFile: "models/all-MiniLM-L6-v2/tokenizer.json")
/// let encoding = tokenizer.encode("Hello, world!")
/// print(encoding.tokens, encoding.ids, tokenizer.decode(encoding.ids))
/// ```
public struct Tokenizer: Sendable {
    public let normalizer: Normalizer?
    public let preTokenizer: PreTokenizer?
    public let model: TokenizerModel
    public let postProcessor: PostProcessor?
    public let decoder: Decoder?
    /// Applied by `encode` and `encodeBatch` (nil: no truncation).
    public var truncation: Truncation?
    /// Applied by `encode` (a fixed length) and `encodeBatch` (nil: no padding).
    public var padding: Padding?
    var addedVocabulary = AddedVocabulary()
    /// The post-processor's fixed layouts, for the direct assembly.
    private(set) var layouts: Layouts
    /// The model when it is one of this library's (its raw-buffer entry point).
    let builtInModel: BuiltInModel?
    /// The pre-tokenizer when it can hand its words straight to a built-in model.
    let wordScanner: WordScanner?
    /// Scanner and model together (held here, read on the encode path through an unretained reference).
    private let wordPath: WordPath?
    let wordPathReference: Unmanaged<WordPath>?
    let modelReadsByteLevel: Bool
    let hasNormalizer: Bool
    /// Special tokens the post-processor adds: [single, pair].
    let addedTokenCounts: (single: Int, pair: Int)
    /// The normalizer when it is BERT's (its fused, one-pass path).
    let bertNormalizer: BertNormalizer?
    /// Token texts for the encodings (the vocabulary and the added tokens as of the last change).
    private(set) var tokenSource: TokenSource

    public init(model: TokenizerModel, normalizer: Normalizer? = nil, preTokenizer: PreTokenizer? = nil,
                postProcessor: PostProcessor? = nil, decoder: Decoder? = nil, addedTokens: [AddedToken] = [],
                truncation: Truncation? = nil, padding: Padding? = nil) {
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.truncation = truncation
        self.padding = padding
        bertNormalizer = normalizer as? BertNormalizer
        builtInModel = model as? BuiltInModel
        modelReadsByteLevel = model.readsByteLevel
        hasNormalizer = normalizer != nil
        if let b = preTokenizer as? ByteLevel {
            wordScanner = b.canScan && model.readsByteLevel ? b : nil
        } else {
            wordScanner = preTokenizer as? WordScanner
        }
        if let scanner = wordScanner, let model = builtInModel {
            wordPath = WordPath(scanner: scanner, model: model)
        } else {
            wordPath = nil
        }
        wordPathReference = wordPath.map { Unmanaged.passUnretained($0) }
        addedTokenCounts = (postProcessor?.addedTokenCount(isPair: false) ?? 0, postProcessor?.addedTokenCount(isPair: true) ?? 0)
        addedVocabulary.add(addedTokens, model: model, normalizer: normalizer)
        tokenSource = TokenSource(model: model, added: addedVocabulary)
        layouts = Layouts(postProcessor, source: tokenSource)
    }

    // MARK: Vocabulary

    /// The number of distinct tokens, added tokens included (HF's `get_vocab_size(True)`).
    public var vocabularySize: Int {
        var n = model.vocabularySize
        for (id, t) in addedVocabulary.entries where model.id(forToken: t.content) != id { n += 1 }
        return n
    }

    /// One more than the largest id (the rows an embedding matrix needs).
    public var idCount: Int {
        var top = model.vocabularySize - 1
        for (id, _) in addedVocabulary.entries { top = max(top, id) }
        var probe = model.vocabularySize
        while model.token(forID: probe) != nil { top = max(top, probe); probe += 1 }
        return top + 1
    }

    public func id(forToken token: String) -> Int? {
        addedVocabulary.id(for: token) ?? model.id(forToken: token)
    }

    public func token(forID id: Int) -> String? {
        addedVocabulary.token(for: id)?.content ?? model.token(forID: id)
    }

    /// token → id, added tokens included.
    public var vocabulary: [String: Int] {
        var v = model.vocabulary
        for (id, t) in addedVocabulary.entries { v[t.content] = id }
        return v
    }

    /// The added tokens with their ids, in id order.
    public var addedTokens: [(id: Int, token: AddedToken)] { addedVocabulary.entries }

    /// True for the content of a special added token.
    public func isSpecialToken(_ token: String) -> Bool { addedVocabulary.isSpecial(token) }

    /// A copy with more added tokens (ids assigned as HF does).
    public func adding(_ tokens: [AddedToken]) -> Tokenizer {
        var t = self
        t.addedVocabulary.add(tokens, model: model, normalizer: normalizer)
        t.tokenSource = TokenSource(model: model, added: t.addedVocabulary)
        t.layouts = Layouts(postProcessor, source: t.tokenSource)
        return t
    }

    /// The ids of the usual special tokens, where this tokenizer has them.
    public var specialTokenIDs: SpecialTokenIDs { SpecialTokenIDs(self) }

    // MARK: Decoding

    /// The text of `ids`; special tokens are left out when `skipSpecialTokens`.
    public func decode<IDs: Collection>(_ ids: IDs, skipSpecialTokens: Bool = true) -> String where IDs.Element == Int {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard let t = token(forID: id) else { continue }
            if skipSpecialTokens && addedVocabulary.isSpecial(t) { continue }
            tokens.append(t)
        }
        if let decoder { return decoder.decode(tokens) }
        return tokens.joined(separator: " ")
    }

    public func decodeBatch(_ sequences: [[Int]], skipSpecialTokens: Bool = true) -> [String] {
        sequences.map { decode($0, skipSpecialTokens: skipSpecialTokens) }
    }
}

/// The ids of well-known special tokens, found by their usual spellings.
public struct SpecialTokenIDs: Equatable, Sendable {
    public let classifier: Int?      // [CLS] or <s>
    public let separator: Int?       // [SEP] or </s>
    public let padding: Int?         // the padding setting's id, [PAD] or <pad>
    public let mask: Int?            // [MASK] or <mask>
    public let unknown: Int?         // the model's unknown token, [UNK] or <unk>
    public let endOfText: Int?       // <|endoftext|>
    public let beginningOfSequence: Int?  // <s> or <|endoftext|>
    public let endOfSequence: Int?        // </s> or <|endoftext|>

    init(_ t: Tokenizer) {
        func first(_ names: [String]) -> Int? { names.lazy.compactMap { t.id(forToken: $0) }.first }
        classifier = first(["[CLS]", "<s>"])
        separator = first(["[SEP]", "</s>"])
        padding = t.padding?.padID ?? first(["[PAD]", "<pad>"])
        let unk: String?
        switch t.model {
        case let m as WordPiece: unk = m.unknownToken
        case let m as WordLevel: unk = m.unknownToken
        case let m as BPE: unk = m.unknownToken
        default: unk = nil
        }
        unknown = unk.flatMap { t.id(forToken: $0) } ?? first(["[UNK]", "<unk>"])
        mask = first(["[MASK]", "<mask>"])
        endOfText = first(["<|endoftext|>"])
        beginningOfSequence = first(["<s>", "<|endoftext|>", "[CLS]"])
        endOfSequence = first(["</s>", "<|endoftext|>", "[SEP]"])
    }
}
