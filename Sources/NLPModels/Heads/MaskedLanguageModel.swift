import NLPTensor

/// BERT's masked-LM head (Hugging Face's BertOnlyMLMHead, `cls.predictions.`): transform
/// (dense → activation → LayerNorm), then the word-embedding matrix (tied) and a bias.
public final class BertPredictionHead: Module {
    public let transform: BertPredictionTransform
    public let bias: Tensor                  // [V]
    let wordEmbeddings: Embedding.Reference  // tied decoder weight, not a member of this module

    public init(_ config: BertConfig, wordEmbeddings: Embedding) {
        transform = BertPredictionTransform(config)
        bias = parameter([config.vocabSize])
        self.wordEmbeddings = Embedding.Reference(wordEmbeddings)
    }

    public override func resetOwnParameters(using generator: RandomGenerator) {
        bias.data.update(repeating: 0, count: bias.count)
    }

    /// hidden [B, T, C] → logits [B, T, V]
    public func callAsFunction(_ hidden: Tensor) -> Tensor {
        transform(hidden).linear(weight: wordEmbeddings.embedding.weight, bias: bias)
    }
}

public final class BertPredictionTransform: Module {
    public let dense: Linear
    public let activation: Activation
    public let layerNorm: LayerNorm

    public override var checkpointKeys: [String: String] { ["layerNorm": "LayerNorm"] }

    public init(_ config: BertConfig) {
        dense = Linear(config.hiddenSize, config.hiddenSize)
        activation = config.activation
        layerNorm = LayerNorm(config.hiddenSize, epsilon: config.layerNormEpsilon)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(activation(dense(x))) }
}

/// `cls` with its one child `predictions` (Hugging Face's path cls.predictions.*).
public final class BertMaskedLanguageModelHead: Module {
    public let predictions: BertPredictionHead

    init(_ config: BertConfig, wordEmbeddings: Embedding) {
        predictions = BertPredictionHead(config, wordEmbeddings: wordEmbeddings)
    }
}

/// BERT for masked-language-model pre-training (Hugging Face's BertForMaskedLM: `bert.` without
/// the pooler, `cls.predictions.`; the decoder is the word-embedding matrix).
public final class BertForMaskedLM: Module, PretrainedModel {
    public let bert: BertModel
    public let cls: BertMaskedLanguageModelHead
    var baseConfig: ConfigJSON

    public init(_ config: BertConfig, generator: RandomGenerator? = nil, baseConfig: ConfigJSON = ConfigJSON()) {
        bert = BertModel(config, pooler: false)
        cls = BertMaskedLanguageModelHead(config, wordEmbeddings: bert.embeddings.wordEmbeddings)
        self.baseConfig = baseConfig
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    public var config: BertConfig { bert.config }

    public override func resetOwnParameters(using generator: RandomGenerator) {
        BertInitialization.apply(to: self, config: config, generator: generator)
        cls.predictions.resetOwnParameters(using: generator)
    }

    /// Logits [B, T, V].
    public func callAsFunction(_ input: TokenBatch) -> Tensor { cls.predictions(bert(input)) }

    /// Mean cross-entropy over the positions whose label is not -100 (the masked ones).
    public func loss(_ input: TokenBatch, labels: [Int32]) -> Tensor {
        self(input).crossEntropy(targets: labels)
    }

    public func configJSON() -> ConfigJSON {
        var c = baseConfig
        config.write(to: &c)
        c["architectures"] = ["BertForMaskedLM"]
        return c
    }
}

extension Embedding {
    /// A reference to an embedding owned elsewhere (a tied weight): not a module member, so the
    /// matrix is saved once, under its owner's path.
    struct Reference {
        let embedding: Embedding
        init(_ embedding: Embedding) { self.embedding = embedding }
    }
}
