import NLPTensor

// An encoder-decoder Transformer (Vaswani et al. 2017) built from the two blocks of this module:
// post-LN encoder layers (BERT's order) and pre-LN decoder layers with cross-attention (GPT's
// order), sinusoidal positions, one embedding matrix for source, target and output (scaled by
// √d_model on the way in). Parameter paths (ours; the blocks keep PyTorch's names):
//   shared.weight [V, E]
//   encoder.layers.{i}.self_attn.in_proj_weight, .linear1, .linear2, .norm1, .norm2, …
//   decoder.layers.{i}.self_attn.*, .multihead_attn.*, .linear1, .linear2, .norm1/2/3
//   decoder.norm.weight/bias (the final LayerNorm a pre-LN stack needs)

public final class TransformerEncoder: Module {
    public let layers: [TransformerEncoderLayer]

    init(_ config: EncoderDecoderConfig) {
        layers = (0..<config.encoderLayers).map { _ in
            TransformerEncoderLayer(width: config.width, heads: config.heads, feedForward: config.feedForward,
                                    dropout: config.dropout, activation: config.activation,
                                    layerNormEpsilon: config.layerNormEpsilon)
        }
    }
}

public final class TransformerDecoder: Module {
    public let layers: [TransformerDecoderLayer]
    public let norm: LayerNorm

    init(_ config: EncoderDecoderConfig) {
        layers = (0..<config.decoderLayers).map { _ in
            TransformerDecoderLayer(width: config.width, heads: config.heads, feedForward: config.feedForward,
                                    crossAttention: true, dropout: config.dropout, activation: config.activation,
                                    layerNormEpsilon: config.layerNormEpsilon)
        }
        norm = LayerNorm(config.width, epsilon: config.layerNormEpsilon)
    }
}

public final class EncoderDecoderModel: Module, PlainPretrainedModel {
    public let config: EncoderDecoderConfig
    public let shared: Embedding
    public let encoder: TransformerEncoder
    public let decoder: TransformerDecoder
    public let positions: SinusoidalPositions
    public let dropout: Dropout
    /// The config.json this model came from (its other keys are written back on save).
    public var baseConfig = ConfigJSON()

    public init(_ config: EncoderDecoderConfig, generator: RandomGenerator? = nil) {
        self.config = config
        shared = Embedding(config.vocabSize, config.width)
        encoder = TransformerEncoder(config)
        decoder = TransformerDecoder(config)
        positions = SinusoidalPositions(maxLength: config.maxPositions, dimension: config.width)
        dropout = Dropout(config.dropout)
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    /// Embeddings normal(0, E^-1/2) (so the √E scale gives unit variance), the padding row zero;
    /// the blocks keep PyTorch's initialization.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        generator.fillNormal(shared.weight.data, count: shared.weight.count,
                             standardDeviation: 1 / Float(config.width).squareRoot())
        if config.padTokenId >= 0 && config.padTokenId < config.vocabSize {
            (shared.weight.data + config.padTokenId * config.width).update(repeating: 0, count: config.width)
        }
    }

    /// √E · embedding + sinusoidal position, then dropout: [B, T, E].
    func embed(_ input: TokenBatch, offset: Int = 0) -> Tensor {
        precondition(offset + input.length <= config.maxPositions,
                     "\(offset + input.length) positions exceed the model's \(config.maxPositions)")
        let tokens = shared(input.ids, shape: input.shape) * Float(config.width).squareRoot()
        return dropout(tokens + positions(positionIds(batch: 1, length: input.length, offset: offset), shape: [input.length]))
    }

    /// The encoder's output (the memory) [B, S, E].
    public func encode(_ source: TokenBatch) -> Tensor {
        let mask = source.maskTensor
        return encoder.layers.reduce(embed(source)) { h, layer in layer(h, keyMask: mask) }
    }

    /// Logits [B, T, V] for the target positions given the memory of `source`. With a cache the
    /// target holds the next positions only; each layer's memory keys/values are computed once.
    public func decode(_ target: TokenBatch, memory: Tensor, memoryMask: Tensor?, cache: DecoderCache? = nil) -> Tensor {
        let offset = cache?.length ?? 0
        var h = embed(target, offset: offset)
        let keyMask = cache.map { $0.keyMask(appending: target) } ?? target.maskTensor
        for (i, layer) in decoder.layers.enumerated() {
            var kv: Tensor?
            if let cache {
                if cache.crossAttention[i] == nil { cache.crossAttention[i] = layer.crossAttention!.memoryKeyValues(memory) }
                kv = cache.crossAttention[i]
            }
            h = layer(h, keyMask: keyMask, memory: kv == nil ? memory : nil, memoryKeyValues: kv, memoryMask: memoryMask,
                      cache: cache?.layers[i])
        }
        return decoder.norm(h).linear(weight: shared.weight)
    }

    /// Logits [B, T, V] of the target given the source (teacher forcing).
    public func callAsFunction(source: TokenBatch, target: TokenBatch) -> Tensor {
        decode(target, memory: encode(source), memoryMask: source.maskTensor)
    }

    /// Mean cross-entropy of `labels` [B·T] (-100 = ignore) given the source and the shifted target.
    public func loss(source: TokenBatch, target: TokenBatch, labels: [Int32]) -> Tensor {
        self(source: source, target: target).crossEntropy(targets: labels)
    }

    /// A cache for decoding `batch` sequences up to `capacity` target positions.
    public func makeCache(batch: Int, capacity: Int? = nil) -> DecoderCache {
        DecoderCache(layers: config.decoderLayers, batch: batch, capacity: capacity ?? config.maxPositions, width: config.width)
    }
}
