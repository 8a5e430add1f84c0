// Shape changes that keep the elements in place: views that share storage.

extension Tensor {
    /// The same elements under a new shape (a view: no copy). One dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let hole = newShape.firstIndex(of: -1) {
            var known = 1
            for (i, d) in newShape.enumerated() where i != hole { known *= d }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[hole] = count / known
        }
        precondition(Shape.count(of: resolved) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let out = Tensor(shape: resolved, storage: storage, offset: offset)
        if Tensor.isRecording(self) {
            out.record("reshape", inputs: [self]) { [self] _, g in accumulateGrad(g, owned: false) }
        }
        return out
    }

    /// A view with a dimension of size 1 inserted at `axis`.
    public func unsqueezed(axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "unsqueeze axis \(axis) out of range for rank \(rank)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// A view without the dimension `axis`, which must have size 1.
    public func squeezed(axis: Int) -> Tensor {
        let a = Shape.normalize(axis: axis, rank: rank)
        precondition(shape[a] == 1, "squeeze of axis \(axis) of size \(shape[a])")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    /// A view of all elements as one dimension.
    public func flattened() -> Tensor { reshaped([count]) }
}
