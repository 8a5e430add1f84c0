import NLPTensor

extension KeyValueCache {
    /// Makes row i hold what row `parents[i]` held (beam search follows each beam's parent).
    public func reorderRows(_ parents: [Int]) {
        precondition(parents.count == batch && parents.allSatisfy { $0 >= 0 && $0 < batch }, "reorder of \(parents.count) rows")
        let rowStride = capacity * width, used = length * width
        guard used > 0 else { return }
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: batch * used)
        defer { copy.deallocate() }
        for tensor in [keys, values] {
            for b in 0..<batch { (copy + b * used).update(from: tensor.data + b * rowStride, count: used) }
            for (i, parent) in parents.enumerated() { (tensor.data + i * rowStride).update(from: copy + parent * used, count: used) }
        }
    }
}

extension DecoderCache {
    /// Reorders every layer's self-attention cache (the cross-attention memory is per source and
    /// shared by its beams, so it stays).
    public func reorderRows(_ parents: [Int]) {
        guard parents.enumerated().contains(where: { $0.offset != $0.element }) else { return }
        for layer in layers { layer.reorderRows(parents) }
    }
}
