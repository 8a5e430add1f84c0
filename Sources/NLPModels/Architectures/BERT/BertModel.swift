import NLPTensor

// BERT (Devlin et al. 2019) with Hugging Face BertModel's module tree, so parameter paths are
// theirs: embeddings.word_embeddings.weight, encoder.layer.0.attention.self.query.weight, …,
// pooler.dense.weight. Post-LN encoder layers; shapes with B = batch, T = length, C = hidden size.

/// Word + position + token-type embeddings, then LayerNorm and dropout.
public final class BertEmbeddings: Module {
    public let wordEmbeddings: Embedding        // [vocab, C]
    public let positionEmbeddings: Embedding    // [maxPositions, C]
    public let tokenTypeEmbeddings: Embedding   // [typeVocab, C]
    public let layerNorm: LayerNorm
    public let dropout: Dropout

    public override var checkpointKeys: [String: String] {
        ["wordEmbeddings": "word_embeddings", "positionEmbeddings": "position_embeddings",
         "tokenTypeEmbeddings": "token_type_embeddings", "layerNorm": "LayerNorm"]
    }

    public init(_ config: BertConfig) {
        wordEmbeddings = Embedding(config.vocabSize, config.hiddenSize)
        positionEmbeddings = Embedding(config.maxPositions, config.hiddenSize)
        tokenTypeEmbeddings = Embedding(config.typeVocabSize, config.hiddenSize)
        layerNorm = LayerNorm(config.hiddenSize, epsilon: config.layerNormEpsilon)
        dropout = Dropout(config.hiddenDropout)
    }

    /// → [B, T, C]
    public func callAsFunction(_ input: TokenBatch) -> Tensor {
        precondition(input.length <= positionEmbeddings.count,
                     "sequence of \(input.length) tokens is longer than the \(positionEmbeddings.count) positions")
        let words = wordEmbeddings(input.ids, shape: input.shape)                                          // [B, T, C]
        let positions = positionEmbeddings(positionIds(batch: 1, length: input.length), shape: [input.length]) // [T, C]
        let types = tokenTypeEmbeddings(input.tokenTypeIds ?? [Int32](repeating: 0, count: input.ids.count),
                                        shape: input.shape)                                                // [B, T, C]
        return dropout(layerNorm(words + types + positions))
    }
}

/// Multi-head self-attention with separate query, key and value projections.
public final class BertSelfAttention: Module {
    public let query: Linear, key: Linear, value: Linear   // [C, C] each
    public let heads: Int
    public let dropout: Dropout

    public init(_ config: BertConfig) {
        query = Linear(config.hiddenSize, config.hiddenSize)
        key = Linear(config.hiddenSize, config.hiddenSize)
        value = Linear(config.hiddenSize, config.hiddenSize)
        heads = config.heads
        dropout = Dropout(config.attentionDropout)
    }

    /// x [B, T, C], keyMask [B, T] (1/0) → [B, T, C]
    public func callAsFunction(_ x: Tensor, keyMask: Tensor?) -> Tensor {
        Tensor.scaledDotProductAttention(query: query(x), key: key(x), value: value(x), heads: heads,
                                         keyMask: keyMask, dropout: dropout.activeProbability,
                                         generator: dropout.generator ?? .default)
    }
}

/// dense → dropout → LayerNorm(residual + ·): the post-LN step after a sub-layer.
public final class BertResidualOutput: Module {
    public let dense: Linear
    public let layerNorm: LayerNorm
    public let dropout: Dropout

    public override var checkpointKeys: [String: String] { ["layerNorm": "LayerNorm"] }

    public init(_ inFeatures: Int, _ config: BertConfig) {
        dense = Linear(inFeatures, config.hiddenSize)
        layerNorm = LayerNorm(config.hiddenSize, epsilon: config.layerNormEpsilon)
        dropout = Dropout(config.hiddenDropout)
    }

    public func callAsFunction(_ x: Tensor, residual: Tensor) -> Tensor {
        // Without active dropout the residual is added by the projection itself.
        layerNorm(dropout.activeProbability == 0 ? dense(x, adding: residual) : dropout(dense(x)) + residual)
    }
}

/// attention.self + attention.output.
public final class BertAttention: Module {
    public let selfAttention: BertSelfAttention
    public let output: BertResidualOutput

    public override var checkpointKeys: [String: String] { ["selfAttention": "self"] }

    public init(_ config: BertConfig) {
        selfAttention = BertSelfAttention(config)
        output = BertResidualOutput(config.hiddenSize, config)
    }

    public func callAsFunction(_ x: Tensor, keyMask: Tensor?) -> Tensor {
        output(selfAttention(x, keyMask: keyMask), residual: x)
    }
}

/// The feed-forward expansion: dense [C → intermediate] and the activation.
public final class BertIntermediate: Module {
    public let dense: Linear
    public let activation: ActivationFunction

    public init(_ config: BertConfig) {
        dense = Linear(config.hiddenSize, config.intermediateSize)
        activation = config.activation
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { activation(dense(x)) }
}

/// One post-LN Transformer encoder layer (BERT's): attention, then feed-forward, each followed by
/// residual + LayerNorm.
public final class BertLayer: Module {
    public let attention: BertAttention
    public let intermediate: BertIntermediate
    public let output: BertResidualOutput

    public init(_ config: BertConfig) {
        attention = BertAttention(config)
        intermediate = BertIntermediate(config)
        output = BertResidualOutput(config.intermediateSize, config)
    }

    /// [B, T, C] → [B, T, C]
    public func callAsFunction(_ x: Tensor, keyMask: Tensor?) -> Tensor {
        let h = attention(x, keyMask: keyMask)
        return output(intermediate(h), residual: h)
    }
}

public final class BertEncoder: Module {
    public let layer: [BertLayer]

    public init(_ config: BertConfig) {
        layer = (0..<config.layers).map { _ in BertLayer(config) }
    }

    public func callAsFunction(_ x: Tensor, keyMask: Tensor?) -> Tensor {
        layer.reduce(x) { h, l in l(h, keyMask: keyMask) }
    }
}

/// tanh(dense(hidden state of the first token)): the [CLS] summary used by BERT's classifier.
public final class BertPooler: Module {
    public let dense: Linear

    public init(_ config: BertConfig) {
        dense = Linear(config.hiddenSize, config.hiddenSize)
    }

    /// [B, T, C] → [B, C]
    public func callAsFunction(_ hidden: Tensor) -> Tensor {
        dense(hidden.slice(axis: 1, 0..<1).reshaped([hidden.shape[0], hidden.shape[2]])).tanh()
    }
}

/// The BERT encoder (Hugging Face's BertModel).
public final class BertModel: Module, PretrainedModel {
    public let config: BertConfig
    /// The config.json this model came from (its other keys are written back on save).
    public var baseConfig = ConfigJSON()
    public let embeddings: BertEmbeddings
    public let encoder: BertEncoder
    public let pooler: BertPooler?

    /// A model with uninitialized weights when `generator` is nil (a checkpoint fills them), else
    /// initialized as Hugging Face does.
    public init(_ config: BertConfig, pooler: Bool = true, generator: RandomGenerator? = nil) {
        self.config = config
        embeddings = BertEmbeddings(config)
        encoder = BertEncoder(config)
        self.pooler = pooler ? BertPooler(config) : nil
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    /// Hugging Face's _init_weights: normal(0, initializer_range) for every Linear and Embedding
    /// weight, zero biases, the padding token's embedding row zero, LayerNorm ones and zeros.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        BertInitialization.apply(to: self, config: config, generator: generator)
    }

    /// Hidden states of the last layer [B, T, C].
    public func callAsFunction(_ input: TokenBatch) -> Tensor {
        encoder(embeddings(input), keyMask: input.maskTensor)
    }

    public func configJSON() -> ConfigJSON {
        var c = baseConfig
        config.write(to: &c)
        c["architectures"] = ["BertModel"]
        return c
    }
}

enum BertInitialization {
    /// Hugging Face BertPreTrainedModel._init_weights over every module of `root`.
    static func apply(to root: Module, config: BertConfig, generator: RandomGenerator) {
        for module in root.modules() {
            switch module {
            case let linear as Linear:
                generator.fillNormal(linear.weight.data, count: linear.weight.count, standardDeviation: config.initializerRange)
                linear.bias?.data.update(repeating: 0, count: linear.bias!.count)
            case let embedding as Embedding:
                generator.fillNormal(embedding.weight.data, count: embedding.weight.count,
                                     standardDeviation: config.initializerRange)
            case let norm as LayerNorm:
                norm.resetOwnParameters(using: generator)
            default: break
            }
        }
        for case let embeddings as BertEmbeddings in root.modules()
        where config.padTokenId >= 0 && config.padTokenId < embeddings.wordEmbeddings.count {
            let d = embeddings.wordEmbeddings.dimension
            (embeddings.wordEmbeddings.weight.data + config.padTokenId * d).update(repeating: 0, count: d)
        }
    }
}

extension BertModel {
    /// The names a BERT checkpoint may hold that are not parameters.
    static func isBuffer(_ name: String) -> Bool {
        name.hasSuffix("embeddings.position_ids")
    }

    /// Loads a BertModel from a model folder (a base checkpoint, or the `bert.` part of a head
    /// model's checkpoint).
    public static func load(folder: String) throws -> BertModel {
        let json = try ModelFolder.readConfig(folder)
        let config = try BertConfig(json: json)
        let weights = try ModelFolder.openWeights(folder)
        let model = BertModel(config, pooler: weights.names.contains { $0.hasSuffix("pooler.dense.weight") })
        model.baseConfig = json
        try model.loadWeights(from: weights, rules: WeightLoadingRules(prefixInHeadModels: "bert.", ignored: isBuffer))
        model.eval()
        return model
    }
}
