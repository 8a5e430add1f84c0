import NLPTensor

/// Multi-head attention with PyTorch nn.MultiheadAttention's parameters (batch first):
/// in_proj_weight [3E, E] and in_proj_bias [3E] stacking the query, key and value projections,
/// and out_proj. Self-attention projects once into [B, T, 3E] and attends in place; cross-attention
/// projects the queries from x and the keys/values from the memory. Masks: `keyMask` [B, Tk] of
/// 1 (attend) / 0 (padding) — the opposite sense of PyTorch's key_padding_mask — and `causal`.
public final class MultiHeadAttention: Module {
    public let inProjectionWeight: Tensor   // [3E, E]
    public let inProjectionBias: Tensor?    // [3E]
    public let outProjection: Linear        // [E, E]
    public let heads: Int
    public let dropout: Dropout             // on the attention weights

    public override var checkpointKeys: [String: String] {
        ["inProjectionWeight": "in_proj_weight", "inProjectionBias": "in_proj_bias", "outProjection": "out_proj"]
    }

    public init(width: Int, heads: Int, dropout: Float = 0, bias: Bool = true) {
        precondition(width % heads == 0, "attention width \(width) is not a multiple of \(heads) heads")
        inProjectionWeight = parameter([3 * width, width])
        inProjectionBias = bias ? parameter([3 * width]) : nil
        outProjection = Linear(width, width, bias: bias)
        self.heads = heads
        self.dropout = Dropout(dropout)
    }

    public var width: Int { inProjectionWeight.shape[1] }

    /// PyTorch's: Xavier-uniform in_proj_weight, zero biases (out_proj keeps Linear's weight init).
    public override func resetOwnParameters(using generator: RandomGenerator) {
        let bound = (6 / Float(4 * width)).squareRoot()   // fan_in + fan_out = E + 3E
        generator.fillUniform(inProjectionWeight.data, count: inProjectionWeight.count, low: -bound, high: bound)
        inProjectionBias?.data.update(repeating: 0, count: 3 * width)
        outProjection.bias?.data.update(repeating: 0, count: width)
    }

    /// Rows `part` (0 query, 1 key, 2 value; `parts` of them) of the stacked projection.
    private func projection(_ x: Tensor, parts: Range<Int>) -> Tensor {
        let rows = (parts.lowerBound * width)..<(parts.upperBound * width)
        return x.linear(weight: inProjectionWeight.slice(axis: 0, rows), bias: inProjectionBias?.slice(axis: 0, rows))
    }

    /// Self-attention: x [B, T, E] → [B, T, E]. With a cache (inference), x holds the new
    /// positions only; their keys and values are appended and attention covers the whole cache.
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil, causal: Bool = false,
                               cache: KeyValueCache? = nil) -> Tensor {
        let qkv = x.linear(weight: inProjectionWeight, bias: inProjectionBias)    // [B, T, 3E]
        guard let cache else {
            return outProjection(qkv.packedSelfAttention(heads: heads, keyMask: keyMask, causal: causal,
                                                         dropout: dropout.activeProbability,
                                                         generator: dropout.generator ?? .default))
        }
        precondition(!GradMode.isEnabled || !qkv.requiresGrad, "the key/value cache is for inference (use noGrad)")
        let offset = cache.length
        cache.append(keys: qkv, columnOffset: width, values: qkv, columnOffset: 2 * width)
        let query = qkv.slice(axis: 2, 0..<width)
        let out = Tensor.scaledDotProductAttention(query: query, key: cache.keys, value: cache.values, heads: heads,
                                                   keyLength: cache.length, keyMask: keyMask, causal: causal,
                                                   queryOffset: offset)
        return outProjection(out)
    }

    /// The memory's keys and values [B, S, 2E] (to compute once and reuse while decoding).
    public func memoryKeyValues(_ memory: Tensor) -> Tensor { projection(memory, parts: 1..<3) }

    /// Cross-attention of x [B, T, E] over memory [B, S, E] (or its precomputed `memoryKeyValues`)
    /// with memoryMask [B, S] → [B, T, E].
    public func callAsFunction(_ x: Tensor, memory: Tensor? = nil, memoryKeyValues: Tensor? = nil,
                               memoryMask: Tensor? = nil) -> Tensor {
        guard let kv = memoryKeyValues ?? memory.map(self.memoryKeyValues) else {
            preconditionFailure("cross-attention needs the memory or its keys and values")
        }
        let query = projection(x, parts: 0..<1)
        return outProjection(Tensor.scaledDotProductAttention(query: query, packedKeyValue: kv, heads: heads,
                                                              keyMask: memoryMask, dropout: dropout.activeProbability,
                                                              generator: dropout.generator ?? .default))
    }
}
