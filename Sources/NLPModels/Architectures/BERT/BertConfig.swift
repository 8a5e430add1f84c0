/// A BERT encoder's hyper-parameters, read from and written to Hugging Face's config.json keys.
public struct BertConfig: Equatable, Sendable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEpsilon: Float
    public var activation: ActivationFunction
    public var hiddenDropout: Float
    public var attentionDropout: Float
    public var padTokenId: Int
    public var initializerRange: Float

    public init(vocabSize: Int = 30522, hiddenSize: Int = 768, layers: Int = 12, heads: Int = 12,
                intermediateSize: Int = 3072, maxPositions: Int = 512, typeVocabSize: Int = 2,
                layerNormEpsilon: Float = 1e-12, activation: ActivationFunction = .gelu, hiddenDropout: Float = 0.1,
                attentionDropout: Float = 0.1, padTokenId: Int = 0, initializerRange: Float = 0.02) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEpsilon = layerNormEpsilon
        self.activation = activation
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.padTokenId = padTokenId
        self.initializerRange = initializerRange
    }

    /// From a config.json (Hugging Face's defaults for absent keys, as BertConfig has them).
    public init(json c: ConfigJSON) throws {
        self.init()
        // A GPT or recurrent folder would otherwise fail later on a missing BERT tensor.
        if let type = try c.optionalString("model_type"), type != "bert" {
            throw ModelError.unsupported(file: c.file, what: "model_type \"\(type)\" here: this needs a BERT encoder (model_type \"bert\")")
        }
        vocabSize = try c.int("vocab_size", default: vocabSize)
        hiddenSize = try c.int("hidden_size", default: hiddenSize)
        layers = try c.int("num_hidden_layers", default: layers)
        heads = try c.int("num_attention_heads", default: heads)
        intermediateSize = try c.int("intermediate_size", default: intermediateSize)
        maxPositions = try c.int("max_position_embeddings", default: maxPositions)
        typeVocabSize = try c.int("type_vocab_size", default: typeVocabSize)
        layerNormEpsilon = try c.float("layer_norm_eps", default: layerNormEpsilon)
        if let name = try c.optionalString("hidden_act") {
            guard let a = ActivationFunction(configName: name) else {
                throw ModelError.unsupported(file: c.file, what: "hidden_act \"\(name)\" (gelu, gelu_new, relu, tanh)")
            }
            activation = a
        }
        hiddenDropout = try c.float("hidden_dropout_prob", default: hiddenDropout)
        attentionDropout = try c.float("attention_probs_dropout_prob", default: attentionDropout)
        padTokenId = try c.int("pad_token_id", default: padTokenId)
        initializerRange = try c.float("initializer_range", default: initializerRange)
        if let kind = try c.optionalString("position_embedding_type"), kind != "absolute" {
            throw ModelError.unsupported(file: c.file, what: "position_embedding_type \"\(kind)\" (only absolute)")
        }
        for (key, value) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", layers),
                             ("num_attention_heads", heads), ("intermediate_size", intermediateSize),
                             ("max_position_embeddings", maxPositions)] where value <= 0 {
            throw ModelError.badConfig(file: c.file, key: key, expected: "a positive integer")
        }
        guard hiddenSize % heads == 0 else {
            throw ModelError.badConfig(file: c.file, key: "num_attention_heads", expected: "a divisor of hidden_size \(hiddenSize)")
        }
    }

    /// Writes the keys into `c` (other keys are kept).
    public func write(to c: inout ConfigJSON) {
        c["model_type"] = "bert"
        c["vocab_size"] = vocabSize
        c["hidden_size"] = hiddenSize
        c["num_hidden_layers"] = layers
        c["num_attention_heads"] = heads
        c["intermediate_size"] = intermediateSize
        c["max_position_embeddings"] = maxPositions
        c["type_vocab_size"] = typeVocabSize
        c["layer_norm_eps"] = ConfigJSON.number(layerNormEpsilon)
        c["hidden_act"] = activation == .geluTanh ? "gelu_new" : activation.rawValue
        c["hidden_dropout_prob"] = ConfigJSON.number(hiddenDropout)
        c["attention_probs_dropout_prob"] = ConfigJSON.number(attentionDropout)
        c["pad_token_id"] = padTokenId
        c["initializer_range"] = ConfigJSON.number(initializerRange)
        c["position_embedding_type"] = "absolute"
    }
}
