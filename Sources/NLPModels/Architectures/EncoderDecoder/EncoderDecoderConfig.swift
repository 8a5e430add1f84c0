/// Hyper-parameters of our encoder-decoder Transformer (config.json model_type
/// "transformer_seq2seq"): one vocabulary for source and target (a joint tokenizer), keys
/// vocab_size, d_model, encoder_layers, decoder_layers, attention_heads, ffn_dim,
/// max_position_embeddings, dropout, activation_function, layer_norm_eps, pad_token_id,
/// bos_token_id, eos_token_id, decoder_start_token_id.
public struct EncoderDecoderConfig: Equatable, Sendable, ModelConfiguration {
    public var vocabSize: Int
    public var width: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var heads: Int
    public var feedForward: Int
    public var maxPositions: Int
    public var dropout: Float
    public var activation: ActivationFunction
    public var layerNormEpsilon: Float
    public var padTokenId: Int
    public var bosTokenId: Int
    public var eosTokenId: Int
    public var decoderStartTokenId: Int

    public init(vocabSize: Int, width: Int = 256, encoderLayers: Int = 3, decoderLayers: Int = 3, heads: Int = 4,
                feedForward: Int = 1024, maxPositions: Int = 256, dropout: Float = 0.1, activation: ActivationFunction = .relu,
                layerNormEpsilon: Float = 1e-5, padTokenId: Int = 0, bosTokenId: Int = 1, eosTokenId: Int = 2,
                decoderStartTokenId: Int? = nil) {
        self.vocabSize = vocabSize
        self.width = width
        self.encoderLayers = encoderLayers
        self.decoderLayers = decoderLayers
        self.heads = heads
        self.feedForward = feedForward
        self.maxPositions = maxPositions
        self.dropout = dropout
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.padTokenId = padTokenId
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.decoderStartTokenId = decoderStartTokenId ?? bosTokenId
    }

    public init(json c: ConfigJSON) throws {
        self.init(vocabSize: try c.int("vocab_size"))
        width = try c.int("d_model", default: width)
        encoderLayers = try c.int("encoder_layers", default: encoderLayers)
        decoderLayers = try c.int("decoder_layers", default: decoderLayers)
        heads = try c.int("attention_heads", default: heads)
        feedForward = try c.int("ffn_dim", default: feedForward)
        maxPositions = try c.int("max_position_embeddings", default: maxPositions)
        dropout = try c.float("dropout", default: dropout)
        if let name = try c.optionalString("activation_function") {
            guard let a = ActivationFunction(configName: name) else {
                throw ModelError.unsupported(file: c.file, what: "activation_function \"\(name)\"")
            }
            activation = a
        }
        layerNormEpsilon = try c.float("layer_norm_eps", default: layerNormEpsilon)
        padTokenId = try c.int("pad_token_id", default: padTokenId)
        bosTokenId = try c.int("bos_token_id", default: bosTokenId)
        eosTokenId = try c.int("eos_token_id", default: eosTokenId)
        decoderStartTokenId = try c.int("decoder_start_token_id", default: bosTokenId)
        for (key, value) in [("vocab_size", vocabSize), ("d_model", width), ("encoder_layers", encoderLayers),
                             ("decoder_layers", decoderLayers), ("attention_heads", heads), ("ffn_dim", feedForward),
                             ("max_position_embeddings", maxPositions)] where value <= 0 {
            throw ModelError.badConfig(file: c.file, key: key, expected: "a positive integer")
        }
        guard width % heads == 0 else {
            throw ModelError.badConfig(file: c.file, key: "attention_heads", expected: "a divisor of d_model \(width)")
        }
    }

    public func write(to c: inout ConfigJSON) {
        c["model_type"] = "transformer_seq2seq"
        c["vocab_size"] = vocabSize
        c["d_model"] = width
        c["encoder_layers"] = encoderLayers
        c["decoder_layers"] = decoderLayers
        c["attention_heads"] = heads
        c["ffn_dim"] = feedForward
        c["max_position_embeddings"] = maxPositions
        c["dropout"] = ConfigJSON.number(dropout)
        c["activation_function"] = activation == .geluTanh ? "gelu_new" : activation.rawValue
        c["layer_norm_eps"] = ConfigJSON.number(layerNormEpsilon)
        c["pad_token_id"] = padTokenId
        c["bos_token_id"] = bosTokenId
        c["eos_token_id"] = eosTokenId
        c["decoder_start_token_id"] = decoderStartTokenId
    }
}
