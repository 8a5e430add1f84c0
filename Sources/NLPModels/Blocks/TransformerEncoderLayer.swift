import NLPTensor

/// A post-LN Transformer encoder layer (BERT's arrangement) with PyTorch
/// nn.TransformerEncoderLayer's parameter names (norm_first = False, batch first):
///   x = norm1(x + dropout1(self_attn(x)));  x = norm2(x + dropout2(linear2(dropout(act(linear1(x))))))
public final class TransformerEncoderLayer: Module {
    public let selfAttention: MultiHeadAttention
    public let linear1: Linear      // [F, E]
    public let linear2: Linear      // [E, F]
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout: Dropout, dropout1: Dropout, dropout2: Dropout
    public let activation: Activation

    public override var checkpointKeys: [String: String] { ["selfAttention": "self_attn"] }

    public init(width: Int, heads: Int, feedForward: Int, dropout p: Float = 0.1, activation: Activation = .relu,
                layerNormEpsilon: Float = 1e-5) {
        selfAttention = MultiHeadAttention(width: width, heads: heads, dropout: p)
        linear1 = Linear(width, feedForward)
        linear2 = Linear(feedForward, width)
        norm1 = LayerNorm(width, epsilon: layerNormEpsilon)
        norm2 = LayerNorm(width, epsilon: layerNormEpsilon)
        dropout = Dropout(p)
        dropout1 = Dropout(p)
        dropout2 = Dropout(p)
        self.activation = activation
    }

    /// x [B, T, E], keyMask [B, T] (1 token / 0 padding) → [B, T, E]
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil) -> Tensor {
        let h = norm1(x + dropout1(selfAttention(x, keyMask: keyMask)))
        return norm2(h + dropout2(linear2(dropout(activation(linear1(h))))))
    }
}

/// A pre-LN Transformer decoder layer (GPT's arrangement) with PyTorch
/// nn.TransformerDecoderLayer's parameter names (norm_first = True, batch first); cross-attention
/// over an encoder's output (multihead_attn, norm2) is optional:
///   x += dropout1(self_attn(norm1(x), causal));  x += dropout2(multihead_attn(norm2(x), memory));
///   x += dropout3(linear2(dropout(act(linear1(norm3(x))))))
public final class TransformerDecoderLayer: Module {
    public let selfAttention: MultiHeadAttention
    public let crossAttention: MultiHeadAttention?
    public let linear1: Linear
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm?
    public let norm3: LayerNorm
    public let dropout: Dropout, dropout1: Dropout, dropout2: Dropout, dropout3: Dropout
    public let activation: Activation

    public override var checkpointKeys: [String: String] { ["selfAttention": "self_attn", "crossAttention": "multihead_attn"] }

    public init(width: Int, heads: Int, feedForward: Int, crossAttention: Bool = true, dropout p: Float = 0.1,
                activation: Activation = .relu, layerNormEpsilon: Float = 1e-5) {
        selfAttention = MultiHeadAttention(width: width, heads: heads, dropout: p)
        self.crossAttention = crossAttention ? MultiHeadAttention(width: width, heads: heads, dropout: p) : nil
        linear1 = Linear(width, feedForward)
        linear2 = Linear(feedForward, width)
        norm1 = LayerNorm(width, epsilon: layerNormEpsilon)
        norm2 = crossAttention ? LayerNorm(width, epsilon: layerNormEpsilon) : nil
        norm3 = LayerNorm(width, epsilon: layerNormEpsilon)
        dropout = Dropout(p)
        dropout1 = Dropout(p)
        dropout2 = Dropout(p)
        dropout3 = Dropout(p)
        self.activation = activation
    }

    /// x [B, T, E] (with a cache: the new positions only), memory [B, S, E] with memoryMask [B, S]
    /// (or the memory's keys/values computed once, `memoryKeyValues`) → [B, T, E]
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil, memory: Tensor? = nil,
                               memoryKeyValues: Tensor? = nil, memoryMask: Tensor? = nil,
                               cache: KeyValueCache? = nil) -> Tensor {
        var h = x + dropout1(selfAttention(norm1(x), keyMask: keyMask, causal: true, cache: cache))
        if let crossAttention, let norm2 {
            h = h + dropout2(crossAttention(norm2(h), memory: memory, memoryKeyValues: memoryKeyValues,
                                            memoryMask: memoryMask))
        }
        return h + dropout3(linear2(dropout(activation(linear1(norm3(h))))))
    }
}
