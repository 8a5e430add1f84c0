// Reordering dimensions (a copy into the new layout: every tensor stays contiguous).

extension Tensor {
    /// The tensor with dimension `dims[i]` of self as its dimension i.
    public func permuted(_ dims: [Int]) -> Tensor {
        precondition(dims.count == rank && Set(dims) == Set(0..<rank), "permutation \(dims) for rank \(rank)")
        if dims == Array(0..<rank) { return reshaped(shape) }
        let out = Tensor(uninitializedShape: dims.map { shape[$0] })
        Kernels.permute(data, shape: shape, dims: dims, out.data, accumulate: false)
        if Tensor.isRecording(self) {
            var inverse = [Int](repeating: 0, count: rank)
            for (i, d) in dims.enumerated() { inverse[d] = i }
            let outShape = out.shape
            out.record("permute", inputs: [self]) { [self] _, g in
                updateGrad { gx, acc in Kernels.permute(g.data, shape: outShape, dims: inverse, gx, accumulate: acc) }
            }
        }
        return out
    }

    /// The tensor with dimensions `a` and `b` swapped (default: the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var dims = Array(0..<rank)
        dims.swapAt(Shape.normalize(axis: a, rank: rank), Shape.normalize(axis: b, rank: rank))
        return permuted(dims)
    }
}

extension Kernels {
    /// Writes (or adds) `x` of `shape`, permuted by `dims`, into `y`.
    static func permute(_ x: UnsafePointer<Float>, shape: [Int], dims: [Int], _ y: UnsafeMutablePointer<Float>,
                        accumulate: Bool) {
        let inStrides = Shape.strides(of: shape)
        // Output dimensions with their input strides, merging neighbours that stay contiguous.
        var outDims: [Int] = [], strides: [Int] = []
        for d in dims where shape[d] != 1 {
            if let last = strides.last, last == inStrides[d] * shape[d] {
                outDims[outDims.count - 1] *= shape[d]
                strides[strides.count - 1] = inStrides[d]
            } else {
                outDims.append(shape[d]); strides.append(inStrides[d])
            }
        }
        let total = Shape.count(of: shape)
        if outDims.count <= 1 {
            if accumulate { add(x, into: y, count: total) } else { y.update(from: x, count: total) }
            return
        }
        let n = outDims.last!, step = strides.last!
        let outer = Array(outDims.dropLast()), outerStrides = Array(strides.dropLast())
        let rows = total / n
        Parallelism.forEachChunk(of: rows, costPerItem: n) { range in
            for row in range {
                var r = row, src = 0, d = outer.count - 1
                while d >= 0 {
                    src += (r % outer[d]) * outerStrides[d]
                    r /= outer[d]
                    d -= 1
                }
                let px = x + src, py = y + row * n
                switch (step, accumulate) {
                case (1, false): py.update(from: px, count: n)
                case (1, true): for j in 0..<n { py[j] += px[j] }
                case (_, false): for j in 0..<n { py[j] = px[j * step] }
                case (_, true): for j in 0..<n { py[j] += px[j * step] }
                }
            }
        }
    }
}
