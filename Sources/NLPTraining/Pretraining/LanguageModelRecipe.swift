import NLPModels
import NLPTensor
import NLPTokenizers

/// The architectures `nlp pretrain` builds.
public enum LanguageModelArchitecture: String, CaseIterable, Sendable {
    /// A BERT encoder trained with masked-LM.
    case bert
    /// A GPT-2 decoder trained to predict the next token.
    case gpt
    /// An LSTM language model (PyTorch word_language_model layout, tied embeddings).
    case lstm

    public var isMasked: Bool { self == .bert }
}

/// The size of a new language model.
public struct LanguageModelShape: Sendable {
    public var layers: Int
    public var heads: Int
    /// Hidden width (the LSTM's embedding and hidden size).
    public var dimension: Int
    /// Positions per block.
    public var context: Int
    public var dropout: Float

    public init(layers: Int = 4, heads: Int = 4, dimension: Int = 256, context: Int = 128, dropout: Float = 0.1) {
        self.layers = layers
        self.heads = heads
        self.dimension = dimension
        self.context = context
        self.dropout = dropout
    }
}

/// How tokenizers for pre-training are trained.
public enum TokenizerKind: String, CaseIterable, Sendable {
    /// Byte-level BPE (GPT-2's pipeline).
    case bpe
    /// BERT's WordPiece (each CJK character its own word, as bert-base-chinese).
    case wordpiece
    /// One token per character.
    case char
}

public enum LanguageModelRecipe {
    /// The special tokens a tokenizer for `architecture` gets.
    public static func specialTokens(for architecture: LanguageModelArchitecture) -> [String] {
        architecture.isMasked ? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] : ["<|endoftext|>", "[UNK]"]
    }

    /// Trains a tokenizer of `kind` on `files` for `architecture`. `compatibilityNormalization`
    /// adds NFKC first (full-width digits and punctuation become ASCII, as Chinese text mixes both).
    public static func trainTokenizer(_ kind: TokenizerKind, files: [String], vocabularySize: Int,
                                      architecture: LanguageModelArchitecture, compatibilityNormalization: Bool = false,
                                      options: TokenizerTraining.Options = .init()) throws -> Tokenizer {
        let specials = specialTokens(for: architecture)
        switch kind {
        case .bpe:
            return try TokenizerTraining.byteLevelBPE(files: files, vocabularySize: vocabularySize,
                                                      specialTokens: architecture.isMasked ? specials : ["<|endoftext|>"],
                                                      options: options)
        case .wordpiece:
            var normalizers: [Normalizer] = compatibilityNormalization ? [UnicodeNormalizer(.nfkc)] : []
            normalizers.append(BertNormalizer(cleanText: true, handleChineseCharacters: true, stripAccents: nil, lowercase: true))
            let normalizer: Normalizer = normalizers.count == 1 ? normalizers[0] : NormalizerSequence(normalizers)
            let skeleton = Tokenizer(model: try WordLevel(vocabulary: [("[UNK]", 0)], unknownToken: "[UNK]"),
                                     normalizer: normalizer, preTokenizer: BertPreTokenizer())
            let counts = try TokenizerTraining.countWords(files: files, with: skeleton, options: options)
            let wordSpecials = architecture.isMasked ? specials : ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<|endoftext|>"]
            // Chinese has thousands of characters: let the alphabet take up to three quarters of the vocabulary.
            let model = try WordPieceTrainer(vocabularySize: vocabularySize, minFrequency: 2, specialTokens: wordSpecials,
                                             limitAlphabet: max(1000, vocabularySize * 3 / 4)).train(counts)
            return Tokenizer(model: model, normalizer: normalizer, preTokenizer: BertPreTokenizer(),
                             postProcessor: BertProcessing(separator: ("[SEP]", model.id(forToken: "[SEP]")!),
                                                           classifier: ("[CLS]", model.id(forToken: "[CLS]")!)),
                             decoder: WordPieceDecoder(), addedTokens: wordSpecials.map { AddedToken($0, special: true) })
        case .char:
            // With NFKC, full-width and ASCII forms share a token, and letters are lowercased.
            let normalizer: Normalizer? = compatibilityNormalization ? NormalizerSequence([UnicodeNormalizer(.nfkc), Lowercase()]) : nil
            let tokenizer = try TokenizerTraining.characterLevel(files: files, minFrequency: 2, specialTokens: specials,
                                                                 normalizer: normalizer, options: options)
            guard architecture.isMasked else { return tokenizer }
            // BERT inputs are [CLS] text [SEP]: give the character tokenizer BERT's post-processor.
            return Tokenizer(model: tokenizer.model, normalizer: tokenizer.normalizer, preTokenizer: tokenizer.preTokenizer,
                             postProcessor: BertProcessing(separator: ("[SEP]", tokenizer.id(forToken: "[SEP]")!),
                                                           classifier: ("[CLS]", tokenizer.id(forToken: "[CLS]")!)),
                             decoder: tokenizer.decoder, addedTokens: tokenizer.addedTokens.map(\.token))
        }
    }

    /// The token that ends each document of the stream.
    public static func separator(of tokenizer: Tokenizer, for architecture: LanguageModelArchitecture) throws -> Int32 {
        let ids = tokenizer.specialTokenIDs
        let id = architecture.isMasked ? ids.separator : (ids.endOfText ?? ids.endOfSequence ?? ids.separator)
        guard let id else {
            throw TrainingError.notEnoughData(architecture.isMasked
                ? "the tokenizer has no [SEP] token, which BERT pre-training needs"
                : "the tokenizer has no end-of-text token (<|endoftext|>, </s> or [SEP]) to separate documents")
        }
        return Int32(id)
    }

    /// The language model saved in `folder` (a BERT masked LM, a GPT or a recurrent LM), to train
    /// further on new text: domain- or task-adaptive pre-training. `tokenizer` is the folder's own.
    /// Returns the network, its architecture and the most positions a block may have.
    public static func loadNetwork(folder: String, tokenizer: Tokenizer, seed: UInt64) throws
        -> (network: LanguageModelNetwork, architecture: LanguageModelArchitecture, maxContext: Int) {
        let loaded = try ModelFolder.load(folder)
        let ids = tokenizer.specialTokenIDs
        let vocabulary = tokenizer.idCount
        func checkVocabulary(_ size: Int) throws { try ModelFolder.checkTokenizer(tokenizer, fitsVocabulary: size, in: folder) }
        switch loaded {
        case .maskedLanguageModel, .bert:
            // A base BERT (no masked-LM head) is read again as a masked LM with a new head.
            let model: BertForMaskedLM
            if case .maskedLanguageModel(let saved) = loaded { model = saved } else {
                model = try BertForMaskedLM.load(folder: folder, generator: RandomGenerator(seed: seed))
            }
            try checkVocabulary(model.config.vocabSize)
            guard let mask = ids.mask, let cls = ids.classifier, let sep = ids.separator else {
                throw TrainingError.notEnoughData("\(folder)'s tokenizer lacks [MASK], [CLS] or [SEP], which masked-LM training needs")
            }
            let special = Set(tokenizer.addedTokens.filter(\.token.special).map { Int32($0.id) })
            let masking = MaskedLanguageModeling(maskId: Int32(mask), vocabularySize: vocabulary, special: special)
            return (.masked(model, masking, classifierId: Int32(cls), separatorId: Int32(sep)), .bert, model.config.maxPositions)
        case .gpt(let model):
            try checkVocabulary(model.config.vocabSize)
            return (.gpt(model), .gpt, model.config.maxPositions)
        case .recurrent(let model):
            try checkVocabulary(model.config.vocabSize)
            return (.recurrent(model), .lstm, Int.max)
        default:
            throw ModelError.unsupported(file: ModelFolder.path(folder, ModelFolder.configFile),
                                         what: "model for continued pre-training (it needs a BERT, a GPT or an LSTM/GRU language model)")
        }
    }

    /// A new, randomly initialized network for `tokenizer`'s vocabulary.
    public static func makeNetwork(_ architecture: LanguageModelArchitecture, shape: LanguageModelShape, tokenizer: Tokenizer,
                                   seed: UInt64) throws -> LanguageModelNetwork {
        let generator = RandomGenerator(seed: seed)
        let vocabulary = tokenizer.idCount
        let ids = tokenizer.specialTokenIDs
        switch architecture {
        case .bert:
            guard let mask = ids.mask, let cls = ids.classifier, let sep = ids.separator else {
                throw TrainingError.notEnoughData("the tokenizer lacks [MASK], [CLS] or [SEP], which BERT pre-training needs")
            }
            let config = BertConfig(vocabSize: vocabulary, hiddenSize: shape.dimension, layers: shape.layers, heads: shape.heads,
                                    intermediateSize: 4 * shape.dimension, maxPositions: shape.context, typeVocabSize: 2,
                                    hiddenDropout: shape.dropout, attentionDropout: shape.dropout,
                                    padTokenId: ids.padding ?? 0)
            let model = BertForMaskedLM(config, generator: generator)
            let special = Set(tokenizer.addedTokens.filter(\.token.special).map { Int32($0.id) })
            let masking = MaskedLanguageModeling(maskId: Int32(mask), vocabularySize: vocabulary, special: special)
            return .masked(model, masking, classifierId: Int32(cls), separatorId: Int32(sep))
        case .gpt:
            let eos = try separator(of: tokenizer, for: .gpt)
            let config = GPTConfig(vocabSize: vocabulary, maxPositions: shape.context, width: shape.dimension, layers: shape.layers,
                                   heads: shape.heads, dropout: shape.dropout, bosTokenId: Int(eos), eosTokenId: Int(eos))
            return .gpt(GPTLanguageModel(config, generator: generator))
        case .lstm:
            let config = RecurrentLanguageModelConfig(cell: .lstm, vocabSize: vocabulary, embeddingSize: shape.dimension,
                                                      hiddenSize: shape.dimension, layers: shape.layers, dropout: shape.dropout,
                                                      tiesEmbeddings: true)
            return .recurrent(RecurrentLanguageModel(config, generator: generator))
        }
    }
}
