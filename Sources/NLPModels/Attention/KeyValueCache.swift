import NLPTensor

/// Keys and values of the positions decoded so far, for incremental decoding: each step appends
/// the new positions' keys and values and attends over all of them, so a token costs one row of
/// projections instead of a pass over the whole prefix. Storage is preallocated
/// [batch, capacity, width]; inference only (no graph).
public final class KeyValueCache {
    public let keys: Tensor
    public let values: Tensor
    /// Positions stored.
    public private(set) var length = 0

    public init(batch: Int, capacity: Int, width: Int) {
        keys = Tensor.zeros([batch, capacity, width])
        values = Tensor.zeros([batch, capacity, width])
    }

    public var batch: Int { keys.shape[0] }
    public var capacity: Int { keys.shape[1] }
    public var width: Int { keys.shape[2] }

    /// Appends T positions: k and v [B, T, width], or columns of a wider packed projection
    /// (`columnOffset`, `rowWidth`: GPT-2's [q | k | v] rows).
    public func append(keys k: Tensor, columnOffset keyOffset: Int = 0, values v: Tensor, columnOffset valueOffset: Int = 0) {
        let t = k.shape[1], rowK = k.shape[2], rowV = v.shape[2]
        precondition(k.shape[0] == batch && v.shape[0] == batch && v.shape[1] == t, "cache append of \(k.shape) and \(v.shape)")
        precondition(length + t <= capacity, "the cache holds \(capacity) positions; \(length + t) needed")
        for b in 0..<batch {
            for i in 0..<t {
                let row = (b * capacity + length + i) * width
                (keys.data + row).update(from: k.data + (b * t + i) * rowK + keyOffset, count: width)
                (values.data + row).update(from: v.data + (b * t + i) * rowV + valueOffset, count: width)
            }
        }
        length += t
    }

    /// Forgets every position (the buffers are reused).
    public func reset() { length = 0 }
}

/// A whole model's caches, one per layer, and the position the next token takes.
public final class DecoderCache {
    public let layers: [KeyValueCache]
    /// Keys/values of the encoder output for each layer's cross-attention (encoder-decoder models),
    /// computed once per source batch.
    public var crossAttention: [Tensor?]

    public init(layers: Int, batch: Int, capacity: Int, width: Int) {
        self.layers = (0..<layers).map { _ in KeyValueCache(batch: batch, capacity: capacity, width: width) }
        crossAttention = Array(repeating: nil, count: layers)
    }

    /// Positions decoded so far.
    public var length: Int { layers.first?.length ?? 0 }
    public var capacity: Int { layers.first?.capacity ?? 0 }

    /// [B, capacity] of 1 (token) / 0 (padding) once any input was padded (left-padded prompts).
    private var mask: Tensor?
    /// Real tokens seen per row (the next token's position when rows are padded).
    private var tokenCounts: [Int] = []

    /// Whether an input so far was padded.
    public var hasPadding: Bool { mask != nil }

    /// Unpadded input: every row moves on by `count` positions.
    public func advancePositions(by count: Int) {
        if tokenCounts.isEmpty { tokenCounts = Array(repeating: 0, count: layers[0].batch) }
        for b in tokenCounts.indices { tokenCounts[b] += count }
    }

    /// Position ids [B·T] for `input`, continuing each row from its real tokens so far (padding
    /// takes the row's current position; it is masked as a key anyway).
    public func positions(appending input: TokenBatch) -> [Int32] {
        if tokenCounts.isEmpty { tokenCounts = Array(repeating: 0, count: input.batch) }
        var ids = [Int32](repeating: 0, count: input.batch * input.length)
        for b in 0..<input.batch {
            for t in 0..<input.length {
                ids[b * input.length + t] = Int32(tokenCounts[b])
                if (input.attentionMask?[b * input.length + t] ?? 1) != 0 { tokenCounts[b] += 1 }
            }
        }
        return ids
    }

    /// The key mask covering the cached positions plus `input`'s (call before the layers append
    /// them), or nil while nothing is padded.
    public func keyMask(appending input: TokenBatch) -> Tensor? {
        guard input.attentionMask != nil || mask != nil else { return nil }
        let batch = layers[0].batch, capacity = self.capacity, offset = length
        precondition(input.batch == batch && offset + input.length <= capacity,
                     "a batch of \(input.batch) × \(input.length) does not fit the cache")
        let m = mask ?? Tensor.ones([batch, capacity])
        for b in 0..<batch {
            for t in 0..<input.length {
                m.data[b * capacity + offset + t] = Float(input.attentionMask?[b * input.length + t] ?? 1)
            }
        }
        mask = m
        return m
    }

    public func reset() {
        for l in layers { l.reset() }
        crossAttention = Array(repeating: nil, count: crossAttention.count)
        mask = nil
        tokenCounts = []
    }
}
