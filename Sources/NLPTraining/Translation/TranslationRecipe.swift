import Foundation
import NLPModels
import NLPTensor
import NLPTokenizers

/// The kinds of translation model `nlp train-translation --arch` makes.
public enum TranslationArchitecture: String, CaseIterable, Sendable {
    /// Encoder-decoder Transformer (EncoderDecoderModel).
    case transformer
    /// Bidirectional LSTM encoder, LSTM decoder with attention (RecurrentTranslationModel).
    case lstm
}

/// The size of a new translation model.
public struct TranslationShape: Sendable {
    public var architecture: TranslationArchitecture
    /// Encoder and decoder layers.
    public var layers: Int
    public var heads: Int
    public var dimension: Int
    public var feedForward: Int
    /// Tokens per source or target sentence (longer ones are cut).
    public var maxLength: Int
    public var dropout: Float

    public init(architecture: TranslationArchitecture = .transformer, layers: Int = 3, heads: Int = 4, dimension: Int = 256,
                feedForward: Int? = nil, maxLength: Int = 128, dropout: Float = 0.1) {
        self.architecture = architecture
        self.layers = layers
        self.heads = heads
        self.dimension = dimension
        self.feedForward = feedForward ?? 4 * dimension
        self.maxLength = maxLength
        self.dropout = dropout
    }
}

public enum TranslationRecipe {
    /// Padding, start and end of a sentence: ids 0, 1, 2 of every tokenizer trained here.
    public static let specialTokens = ["<pad>", "<s>", "</s>"]

    /// "zh" when the texts are mostly Han characters, else "en" (sacrebleu's tokenizer follows it).
    public static func language(of texts: [String]) -> String {
        ScriptProfile(texts: texts.prefix(2000)).isMostlyChinese ? "zh" : "en"
    }

    /// One byte-level BPE vocabulary for both sides (so source, target and output share one
    /// embedding matrix), trained on the pairs' sources and targets. Frequent Chinese characters
    /// and words become single tokens, English gets subwords.
    public static func trainTokenizer(pairs: [TranslationPair], vocabularySize: Int, folder: String,
                                      options: TokenizerTraining.Options = .init()) throws -> Tokenizer {
        let path = (folder as NSString).appendingPathComponent(".tokenizer-corpus.\(getpid()).txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ""
        for pair in pairs { text += pair.source + "\n" + pair.target + "\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let tokenizer = try TokenizerTraining.byteLevelBPE(files: [path], vocabularySize: vocabularySize,
                                                           specialTokens: specialTokens, options: options)
        for (i, token) in specialTokens.enumerated() where tokenizer.id(forToken: token) != i {
            throw TrainingError.notEnoughData("the trained tokenizer put \(token) at id \(tokenizer.id(forToken: token) ?? -1), not \(i)")
        }
        return tokenizer
    }

    /// A new model of `shape` for `tokenizer`'s vocabulary, initialized from `seed`; config.json also
    /// records the two languages.
    public static func makeModel(shape: TranslationShape, tokenizer: Tokenizer, sourceLanguage: String, targetLanguage: String,
                                 seed: UInt64) -> any TranslationModel {
        let generator = RandomGenerator(seed: seed)
        let languages = ConfigJSON(values: ["source_language": sourceLanguage, "target_language": targetLanguage])
        switch shape.architecture {
        case .transformer:
            let config = EncoderDecoderConfig(vocabSize: tokenizer.idCount, width: shape.dimension, encoderLayers: shape.layers,
                                              decoderLayers: shape.layers, heads: shape.heads, feedForward: shape.feedForward,
                                              maxPositions: shape.maxLength + 1, dropout: shape.dropout,
                                              padTokenId: 0, bosTokenId: 1, eosTokenId: 2)
            let model = EncoderDecoderModel(config, generator: generator)
            model.baseConfig = languages
            return model
        case .lstm:
            let config = RecurrentTranslationConfig(vocabSize: tokenizer.idCount, hiddenSize: shape.dimension, layers: shape.layers,
                                                    heads: shape.heads, dropout: shape.dropout, maxPositions: shape.maxLength + 1,
                                                    padTokenId: 0, bosTokenId: 1, eosTokenId: 2)
            let model = RecurrentTranslationModel(config, generator: generator)
            model.baseConfig = languages
            return model
        }
    }

    /// The target language a model folder's config.json names ("en" when it names none).
    public static func targetLanguage(folder: String) throws -> String {
        (try ModelFolder.readConfig(folder)["target_language"] as? String) ?? "en"
    }

    /// True when `folder` holds a translation model (Transformer or LSTM).
    public static func isTranslationModel(folder: String) -> Bool {
        let type = (try? ModelFolder.readConfig(folder))?["model_type"] as? String
        return type == "transformer_seq2seq" || type == RecurrentTranslationConfig.modelType
    }
}
