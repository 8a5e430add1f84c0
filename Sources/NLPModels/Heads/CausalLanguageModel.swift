import NLPTensor

/// GPT with a language-modelling head tied to the token embeddings (Hugging Face's
/// GPT2LMHeadModel: the decoder under `transformer.`, `lm_head.weight` = `transformer.wte.weight`).
public final class GPTLanguageModel: Module {
    public let transformer: GPTModel
    /// The config.json this model came from (its other keys are written back on save).
    public var baseConfig = ConfigJSON()

    public init(_ config: GPTConfig, generator: RandomGenerator? = nil) {
        transformer = GPTModel(config, generator: generator)
        super.init()
        nameParameters()
    }

    public init(transformer: GPTModel) {
        self.transformer = transformer
        super.init()
        nameParameters()
    }

    public var config: GPTConfig { transformer.config }

    /// Logits [B, T, V] = hidden · wteᵀ. With a cache, for the new positions only.
    public func callAsFunction(_ input: TokenBatch, cache: DecoderCache? = nil,
                               memory: Tensor? = nil, memoryMask: Tensor? = nil) -> Tensor {
        let hidden = transformer(input, cache: cache, memory: memory, memoryMask: memoryMask)
        return hidden.linear(weight: transformer.tokenEmbeddings.weight)
    }

    /// Mean cross-entropy of predicting `targets` [B·T] (-100 = ignore) from `input`.
    public func loss(_ input: TokenBatch, targets: [Int32]) -> Tensor {
        self(input).crossEntropy(targets: targets)
    }

    /// Logits of the last position of each row [B, V], the input to sampling.
    public static func lastPosition(_ logits: Tensor) -> Tensor {
        let (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let out = Tensor(uninitializedShape: [b, v])
        for row in 0..<b { (out.data + row * v).update(from: logits.data + (row * t + t - 1) * v, count: v) }
        return out
    }
}
