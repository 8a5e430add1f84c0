/// A GPT decoder's hyper-parameters under GPT-2's config.json keys (n_embd, n_layer, n_head,
/// n_positions, …). One key is ours: "bias" (default true, as GPT-2) — false drops every bias of
/// the Conv1D layers and LayerNorms, as nanoGPT's `bias=False` models do.
public struct GPTConfig: Equatable, Sendable {
    public var vocabSize: Int
    public var maxPositions: Int
    public var width: Int
    public var layers: Int
    public var heads: Int
    /// The MLP's inner width (n_inner; nil in the file means 4 × width).
    public var innerWidth: Int
    public var activation: Activation
    public var residualDropout: Float
    public var embeddingDropout: Float
    public var attentionDropout: Float
    public var layerNormEpsilon: Float
    public var initializerRange: Float
    public var crossAttention: Bool
    public var bias: Bool
    public var bosTokenId: Int
    public var eosTokenId: Int

    public init(vocabSize: Int = 50257, maxPositions: Int = 1024, width: Int = 768, layers: Int = 12, heads: Int = 12,
                innerWidth: Int? = nil, activation: Activation = .geluTanh, dropout: Float = 0.1,
                layerNormEpsilon: Float = 1e-5, initializerRange: Float = 0.02, crossAttention: Bool = false,
                bias: Bool = true, bosTokenId: Int = 50256, eosTokenId: Int = 50256) {
        self.vocabSize = vocabSize
        self.maxPositions = maxPositions
        self.width = width
        self.layers = layers
        self.heads = heads
        self.innerWidth = innerWidth ?? 4 * width
        self.activation = activation
        residualDropout = dropout
        embeddingDropout = dropout
        attentionDropout = dropout
        self.layerNormEpsilon = layerNormEpsilon
        self.initializerRange = initializerRange
        self.crossAttention = crossAttention
        self.bias = bias
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
    }

    /// nanoGPT's CPU configuration for character-level Shakespeare (the speed benchmark).
    public static func nanoGPTCharacters(vocabSize: Int = 65) -> GPTConfig {
        GPTConfig(vocabSize: vocabSize, maxPositions: 64, width: 128, layers: 4, heads: 4, activation: .gelu,
                  dropout: 0, bias: false, bosTokenId: 0, eosTokenId: 0)
    }

    public init(json c: ConfigJSON) throws {
        self.init()
        vocabSize = try c.int("vocab_size", default: vocabSize)
        maxPositions = try c.int("n_positions", default: maxPositions)
        width = try c.int("n_embd", default: width)
        layers = try c.int("n_layer", default: layers)
        heads = try c.int("n_head", default: heads)
        innerWidth = try c.optionalInt("n_inner") ?? 4 * width
        if let name = try c.optionalString("activation_function") {
            guard let a = Activation(configName: name) else {
                throw ModelError.unsupported(file: c.file, what: "activation_function \"\(name)\" (gelu, gelu_new, relu, tanh)")
            }
            activation = a
        }
        residualDropout = try c.float("resid_pdrop", default: residualDropout)
        embeddingDropout = try c.float("embd_pdrop", default: embeddingDropout)
        attentionDropout = try c.float("attn_pdrop", default: attentionDropout)
        layerNormEpsilon = try c.float("layer_norm_epsilon", default: layerNormEpsilon)
        initializerRange = try c.float("initializer_range", default: initializerRange)
        crossAttention = try c.bool("add_cross_attention", default: false)
        bias = try c.bool("bias", default: true)
        bosTokenId = try c.int("bos_token_id", default: bosTokenId)
        eosTokenId = try c.int("eos_token_id", default: eosTokenId)
        for (key, value) in [("vocab_size", vocabSize), ("n_positions", maxPositions), ("n_embd", width),
                             ("n_layer", layers), ("n_head", heads), ("n_inner", innerWidth)] where value <= 0 {
            throw ModelError.badConfig(file: c.file, key: key, expected: "a positive integer")
        }
        guard width % heads == 0 else {
            throw ModelError.badConfig(file: c.file, key: "n_head", expected: "a divisor of n_embd \(width)")
        }
        if try !c.bool("scale_attn_weights", default: true) || c.bool("scale_attn_by_inverse_layer_idx", default: false)
            || c.bool("reorder_and_upcast_attn", default: false) {
            throw ModelError.unsupported(file: c.file, what: "attention scaling option (only GPT-2's default 1/√d)")
        }
    }

    public func write(to c: inout ConfigJSON) {
        c["model_type"] = "gpt2"
        c["vocab_size"] = vocabSize
        c["n_positions"] = maxPositions
        c["n_ctx"] = maxPositions
        c["n_embd"] = width
        c["n_layer"] = layers
        c["n_head"] = heads
        c["n_inner"] = innerWidth
        c["activation_function"] = activation == .geluTanh ? "gelu_new" : activation.rawValue
        c["resid_pdrop"] = ConfigJSON.number(residualDropout)
        c["embd_pdrop"] = ConfigJSON.number(embeddingDropout)
        c["attn_pdrop"] = ConfigJSON.number(attentionDropout)
        c["layer_norm_epsilon"] = ConfigJSON.number(layerNormEpsilon)
        c["initializer_range"] = ConfigJSON.number(initializerRange)
        c["add_cross_attention"] = crossAttention
        c["bias"] = bias
        c["bos_token_id"] = bosTokenId
        c["eos_token_id"] = eosTokenId
        c["tie_word_embeddings"] = true
    }
}
