import NLPTensor

// GPT (Radford et al. 2019) with Hugging Face GPT2Model's module tree, so parameter paths are
// GPT-2's: wte.weight, wpe.weight, h.0.ln_1.weight, h.0.attn.c_attn.weight ([C, 3C]: Conv1D
// stores [in, out]), h.0.mlp.c_fc.weight, ln_f.weight, …. Pre-LN blocks, causal self-attention,
// optional cross-attention (crossattention.q_attn / c_attn / c_proj, ln_cross_attn) for
// encoder-decoder use. Shapes: B batch, T new positions, C width, V vocabulary.

/// GPT-2's attention: c_attn projects to [q | k | v] (self) or, for cross-attention, q_attn
/// projects the queries and c_attn the memory's [k | v]; c_proj projects back.
public final class GPTAttention: Module {
    public let queryProjection: Conv1D?     // cross-attention only: [C, C]
    public let projection: Conv1D           // [C, 3C] self, [C, 2C] cross
    public let outputProjection: Conv1D     // [C, C]
    public let heads: Int
    public let attentionDropout: Dropout
    public let residualDropout: Dropout

    public override var checkpointKeys: [String: String] {
        ["queryProjection": "q_attn", "projection": "c_attn", "outputProjection": "c_proj"]
    }

    public init(_ config: GPTConfig, isCrossAttention: Bool = false) {
        let c = config.width
        queryProjection = isCrossAttention ? Conv1D(c, c, bias: config.bias) : nil
        projection = Conv1D(c, (isCrossAttention ? 2 : 3) * c, bias: config.bias)
        outputProjection = Conv1D(c, c, bias: config.bias)
        heads = config.heads
        attentionDropout = Dropout(config.attentionDropout)
        residualDropout = Dropout(config.residualDropout)
    }

    var width: Int { outputProjection.inFeatures }

    /// Causal self-attention: x [B, T, C] → [B, T, C]; with a cache, x is the new positions only.
    /// With `residual` the result is residual + attention (added by the output projection).
    public func callAsFunction(_ x: Tensor, keyMask: Tensor?, cache: KeyValueCache?, adding residual: Tensor? = nil) -> Tensor {
        let qkv = projection(x)                                                          // [B, T, 3C]
        let attended: Tensor
        if let cache {
            let offset = cache.length
            cache.append(keys: qkv, columnOffset: width, values: qkv, columnOffset: 2 * width)
            attended = Tensor.scaledDotProductAttention(query: qkv.slice(axis: 2, 0..<width), key: cache.keys,
                                                        value: cache.values, heads: heads, keyLength: cache.length,
                                                        keyMask: keyMask, causal: true, queryOffset: offset)
        } else {
            attended = qkv.packedSelfAttention(heads: heads, keyMask: keyMask, causal: true,
                                               dropout: attentionDropout.activeProbability,
                                               generator: attentionDropout.generator ?? .default)
        }
        return project(attended, adding: residual)
    }

    /// c_proj and residual dropout, plus the residual when given.
    func project(_ attended: Tensor, adding residual: Tensor?) -> Tensor {
        guard let residual else { return residualDropout(outputProjection(attended)) }
        if residualDropout.activeProbability == 0 { return outputProjection(attended, adding: residual) }
        return residual + residualDropout(outputProjection(attended))
    }

    /// The memory's [k | v] for cross-attention [B, S, 2C] (computed once per source batch).
    public func memoryKeyValues(_ memory: Tensor) -> Tensor { projection(memory) }

    /// Cross-attention of x [B, T, C] over the memory's keys/values [B, S, 2C] with mask [B, S].
    public func callAsFunction(_ x: Tensor, memoryKeyValues kv: Tensor, memoryMask: Tensor?) -> Tensor {
        guard let queryProjection else { preconditionFailure("cross-attention call on a self-attention layer") }
        let attended = Tensor.scaledDotProductAttention(query: queryProjection(x), packedKeyValue: kv, heads: heads,
                                                        keyMask: memoryMask, dropout: attentionDropout.activeProbability,
                                                        generator: attentionDropout.generator ?? .default)
        return residualDropout(outputProjection(attended))
    }
}

/// c_fc [C → inner], activation, c_proj [inner → C], dropout.
public final class GPTMLP: Module {
    public let expand: Conv1D
    public let contract: Conv1D
    public let activation: ActivationFunction
    public let dropout: Dropout

    public override var checkpointKeys: [String: String] { ["expand": "c_fc", "contract": "c_proj"] }

    public init(_ config: GPTConfig) {
        expand = Conv1D(config.width, config.innerWidth, bias: config.bias)
        contract = Conv1D(config.innerWidth, config.width, bias: config.bias)
        activation = config.activation
        dropout = Dropout(config.residualDropout)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { dropout(contract(expand(x, activation: activation))) }

    /// residual + mlp(x), the residual added by c_proj when there is no active dropout.
    public func callAsFunction(_ x: Tensor, adding residual: Tensor) -> Tensor {
        let hidden = expand(x, activation: activation)
        if dropout.activeProbability == 0 { return contract(hidden, adding: residual) }
        return residual + dropout(contract(hidden))
    }
}

/// One pre-LN block: x += attn(ln_1(x)); [x += crossattention(ln_cross_attn(x), memory)]; x += mlp(ln_2(x)).
public final class GPTBlock: Module {
    public let norm1: LayerNorm
    public let attention: GPTAttention
    public let crossNorm: LayerNorm?
    public let crossAttention: GPTAttention?
    public let norm2: LayerNorm
    public let mlp: GPTMLP

    public override var checkpointKeys: [String: String] {
        ["norm1": "ln_1", "attention": "attn", "crossNorm": "ln_cross_attn", "crossAttention": "crossattention", "norm2": "ln_2"]
    }

    public init(_ config: GPTConfig) {
        norm1 = LayerNorm(config.width, epsilon: config.layerNormEpsilon, bias: config.bias)
        attention = GPTAttention(config)
        crossNorm = config.crossAttention ? LayerNorm(config.width, epsilon: config.layerNormEpsilon, bias: config.bias) : nil
        crossAttention = config.crossAttention ? GPTAttention(config, isCrossAttention: true) : nil
        norm2 = LayerNorm(config.width, epsilon: config.layerNormEpsilon, bias: config.bias)
        mlp = GPTMLP(config)
    }

    public func callAsFunction(_ x: Tensor, keyMask: Tensor?, cache: KeyValueCache?,
                               memoryKeyValues: Tensor?, memoryMask: Tensor?) -> Tensor {
        var h = attention(norm1(x), keyMask: keyMask, cache: cache, adding: x)
        if let crossAttention, let crossNorm {
            guard let memoryKeyValues else { preconditionFailure("a cross-attention block needs the encoder's output") }
            h = h + crossAttention(crossNorm(h), memoryKeyValues: memoryKeyValues, memoryMask: memoryMask)
        }
        return mlp(norm2(h), adding: h)
    }
}

/// The GPT decoder stack (Hugging Face's GPT2Model): token and position embeddings, blocks, ln_f.
public final class GPTModel: Module {
    public let config: GPTConfig
    public let tokenEmbeddings: Embedding       // wte [V, C]
    public let positionEmbeddings: Embedding    // wpe [maxPositions, C]
    public let dropout: Dropout
    public let blocks: [GPTBlock]               // h
    public let finalNorm: LayerNorm             // ln_f

    public override var checkpointKeys: [String: String] {
        ["tokenEmbeddings": "wte", "positionEmbeddings": "wpe", "blocks": "h", "finalNorm": "ln_f"]
    }

    public init(_ config: GPTConfig, generator: RandomGenerator? = nil) {
        self.config = config
        tokenEmbeddings = Embedding(config.vocabSize, config.width)
        positionEmbeddings = Embedding(config.maxPositions, config.width)
        dropout = Dropout(config.embeddingDropout)
        blocks = (0..<config.layers).map { _ in GPTBlock(config) }
        finalNorm = LayerNorm(config.width, epsilon: config.layerNormEpsilon, bias: config.bias)
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    /// GPT-2's initialization: normal(0, 0.02) weights, zero biases, LayerNorm ones, and the
    /// residual projections (c_proj) at 0.02/√(2·layers).
    public override func resetOwnParameters(using generator: RandomGenerator) {
        GPTInitialization.apply(to: self, config: config, generator: generator)
    }

    /// A cache for incremental decoding of `batch` sequences up to `capacity` positions.
    public func makeCache(batch: Int, capacity: Int? = nil) -> DecoderCache {
        DecoderCache(layers: config.layers, batch: batch, capacity: capacity ?? config.maxPositions, width: config.width)
    }

    /// Hidden states [B, T, C] after ln_f. With a cache (inference) the input holds the next
    /// positions only and the cache grows by T; positions continue from the cache length.
    /// `memory` [B, S, C] with `memoryMask` [B, S] feeds the cross-attention blocks.
    public func callAsFunction(_ input: TokenBatch, cache: DecoderCache? = nil,
                               memory: Tensor? = nil, memoryMask: Tensor? = nil) -> Tensor {
        let offset = cache?.length ?? 0
        precondition(offset + input.length <= config.maxPositions,
                     "\(offset + input.length) positions exceed the model's \(config.maxPositions)")
        let tokens = tokenEmbeddings(input.ids, shape: input.shape)                                   // [B, T, C]
        let positions: Tensor
        if input.attentionMask != nil || cache?.hasPadding == true {
            // Padded rows (left-padded prompts): a row's positions count its real tokens only.
            positions = positionEmbeddings(cache?.positions(appending: input) ?? input.positionsCountingTokens(),
                                           shape: input.shape)                                       // [B, T, C]
        } else {
            cache?.advancePositions(by: input.length)
            positions = positionEmbeddings(positionIds(batch: 1, length: input.length, offset: offset),
                                           shape: [input.length])                                    // [T, C]
        }
        var h = dropout(tokens + positions)
        let keyMask = cache.map { $0.keyMask(appending: input) } ?? input.maskTensor
        for (i, block) in blocks.enumerated() {
            var kv: Tensor?
            if let crossAttention = block.crossAttention, let memory = memory ?? nil {
                if let cache {
                    if cache.crossAttention[i] == nil { cache.crossAttention[i] = crossAttention.memoryKeyValues(memory) }
                    kv = cache.crossAttention[i]
                } else {
                    kv = crossAttention.memoryKeyValues(memory)
                }
            } else if let cache, block.crossAttention != nil {
                kv = cache.crossAttention[i]
            }
            h = block(h, keyMask: keyMask, cache: cache?.layers[i], memoryKeyValues: kv, memoryMask: memoryMask)
        }
        return finalNorm(h)
    }
}

enum GPTInitialization {
    static func apply(to root: Module, config: GPTConfig, generator: RandomGenerator) {
        let std = config.initializerRange
        for module in root.modules() {
            switch module {
            case let layer as Conv1D:
                generator.fillNormal(layer.weight.data, count: layer.weight.count, standardDeviation: std)
                layer.bias?.data.update(repeating: 0, count: layer.bias!.count)
            case let layer as Linear:
                generator.fillNormal(layer.weight.data, count: layer.weight.count, standardDeviation: std)
                layer.bias?.data.update(repeating: 0, count: layer.bias!.count)
            case let embedding as Embedding:
                generator.fillNormal(embedding.weight.data, count: embedding.weight.count, standardDeviation: std)
            case let norm as LayerNorm:
                norm.resetOwnParameters(using: generator)
            default: break
            }
        }
        let residualStd = std / (2 * Float(config.layers)).squareRoot()
        for module in root.modules() {
            if let attention = module as? GPTAttention {
                let w = attention.outputProjection.weight
                generator.fillNormal(w.data, count: w.count, standardDeviation: residualStd)
            }
            if let mlp = module as? GPTMLP {
                generator.fillNormal(mlp.contract.weight.data, count: mlp.contract.weight.count, standardDeviation: residualStd)
            }
        }
    }
}
