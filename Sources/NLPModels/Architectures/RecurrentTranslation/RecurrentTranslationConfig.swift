import NLPTensor

/// Hyper-parameters of the LSTM translation model with attention (config.json model_type
/// "lstm_seq2seq"): one vocabulary for source and target; keys vocab_size, hidden_size (also the
/// embedding width), num_layers (encoder and decoder), attention_heads, dropout,
/// max_position_embeddings, pad_token_id, bos_token_id, eos_token_id, decoder_start_token_id.
public struct RecurrentTranslationConfig: Equatable, Sendable, ModelConfiguration {
    public static let modelType = "lstm_seq2seq"

    public var vocabSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var dropout: Float
    public var maxPositions: Int
    public var padTokenId: Int
    public var bosTokenId: Int
    public var eosTokenId: Int
    public var decoderStartTokenId: Int

    public init(vocabSize: Int, hiddenSize: Int = 512, layers: Int = 2, heads: Int = 1, dropout: Float = 0.2,
                maxPositions: Int = 256, padTokenId: Int = 0, bosTokenId: Int = 1, eosTokenId: Int = 2,
                decoderStartTokenId: Int? = nil) {
        precondition(hiddenSize % 2 == 0, "hidden size \(hiddenSize) must be even (the encoder has two directions of half of it)")
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.dropout = dropout
        self.maxPositions = maxPositions
        self.padTokenId = padTokenId
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.decoderStartTokenId = decoderStartTokenId ?? bosTokenId
    }

    public init(json c: ConfigJSON) throws {
        let type = try c.string("model_type")
        guard type == Self.modelType else {
            throw ModelError.unsupported(file: c.file, what: "model_type \"\(type)\" for an LSTM translation model")
        }
        let hidden = try c.int("hidden_size", default: 512)
        guard hidden > 0 && hidden % 2 == 0 else { throw ModelError.badConfig(file: c.file, key: "hidden_size", expected: "a positive even integer") }
        self.init(vocabSize: try c.int("vocab_size"), hiddenSize: hidden)
        layers = try c.int("num_layers", default: layers)
        heads = try c.int("attention_heads", default: heads)
        dropout = try c.float("dropout", default: dropout)
        maxPositions = try c.int("max_position_embeddings", default: maxPositions)
        padTokenId = try c.int("pad_token_id", default: padTokenId)
        bosTokenId = try c.int("bos_token_id", default: bosTokenId)
        eosTokenId = try c.int("eos_token_id", default: eosTokenId)
        decoderStartTokenId = try c.int("decoder_start_token_id", default: bosTokenId)
        for (key, value) in [("vocab_size", vocabSize), ("num_layers", layers), ("attention_heads", heads),
                             ("max_position_embeddings", maxPositions)] where value <= 0 {
            throw ModelError.badConfig(file: c.file, key: key, expected: "a positive integer")
        }
        guard hiddenSize % heads == 0 else {
            throw ModelError.badConfig(file: c.file, key: "attention_heads", expected: "a divisor of hidden_size \(hiddenSize)")
        }
    }

    public func write(to c: inout ConfigJSON) {
        c["model_type"] = Self.modelType
        c["vocab_size"] = vocabSize
        c["hidden_size"] = hiddenSize
        c["num_layers"] = layers
        c["attention_heads"] = heads
        c["dropout"] = ConfigJSON.number(dropout)
        c["max_position_embeddings"] = maxPositions
        c["pad_token_id"] = padTokenId
        c["bos_token_id"] = bosTokenId
        c["eos_token_id"] = eosTokenId
        c["decoder_start_token_id"] = decoderStartTokenId
    }
}
