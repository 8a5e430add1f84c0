// Sums, means and maxima over one axis or over everything.

extension Tensor {
    /// Sum of every element, as a rank-0 tensor.
    public func sum() -> Tensor {
        let out = Tensor(Kernels.sum(data, count: count))
        if Tensor.isRecording(self) {
            out.record("sum", inputs: [self]) { [self] _, g in
                let v = g.data.pointee
                updateGrad { gx, acc in
                    if acc { for i in 0..<count { gx[i] += v } } else { gx.update(repeating: v, count: count) }
                }
            }
        }
        return out
    }

    /// Mean of every element, as a rank-0 tensor.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sum along `axis`; the axis is dropped unless `keepingDimension` (then it has size 1).
    public func sum(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        let (outer, length, inner) = Shape.split(shape, at: axis)
        let out = Tensor(uninitializedShape: Tensor.reducedShape(shape, axis, keepingDimension))
        let x = data, y = out.data
        if inner == 1 {
            Parallelism.forEachChunk(of: outer, costPerItem: length) { range in
                for o in range { y[o] = Kernels.sum(x + o * length, count: length) }
            }
        } else {
            Parallelism.forEachChunk(of: outer, costPerItem: length * inner) { range in
                for o in range {
                    let py = y + o * inner, px = x + o * length * inner
                    py.update(from: px, count: inner)
                    for l in 1..<Swift.max(length, 1) {
                        let row = px + l * inner
                        for i in 0..<inner { py[i] += row[i] }
                    }
                    if length == 0 { py.update(repeating: 0, count: inner) }
                }
            }
        }
        if Tensor.isRecording(self) {
            out.record("sum axis", inputs: [self]) { [self] _, g in
                // Every element along the axis receives the gradient of its sum.
                let gd = g.data
                updateGrad { gx, acc in
                    Parallelism.forEachChunk(of: outer, costPerItem: length * inner) { range in
                        for o in range {
                            for l in 0..<length {
                                let pg = gd + o * inner, pd = gx + (o * length + l) * inner
                                if acc { for i in 0..<inner { pd[i] += pg[i] } } else { pd.update(from: pg, count: inner) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Mean along `axis`.
    public func mean(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let n = shape[Shape.normalize(axis: axis, rank: rank)]
        return sum(axis: axis, keepingDimension: keepingDimension) * (1 / Float(Swift.max(n, 1)))
    }

    /// Largest value along `axis`; the gradient goes to the first position holding it.
    public func max(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        let (outer, length, inner) = Shape.split(shape, at: axis)
        precondition(length > 0, "max over an empty axis of shape \(shape)")
        let out = Tensor(uninitializedShape: Tensor.reducedShape(shape, axis, keepingDimension))
        let positions = UnsafeMutablePointer<Int32>.allocate(capacity: out.count)
        let x = data, y = out.data
        Parallelism.forEachChunk(of: outer, costPerItem: length * inner) { range in
            for o in range {
                for i in 0..<inner {
                    var best = x[o * length * inner + i], at: Int32 = 0
                    for l in 1..<length {
                        let v = x[(o * length + l) * inner + i]
                        if v > best { best = v; at = Int32(l) }
                    }
                    y[o * inner + i] = best
                    positions[o * inner + i] = at
                }
            }
        }
        let argmax = IndexBuffer(positions, count: out.count)
        if Tensor.isRecording(self) {
            out.record("max axis", inputs: [self]) { [self] _, g in
                let gx = zeroFilledGrad()
                for o in 0..<outer {
                    for i in 0..<inner {
                        let l = Int(argmax.pointer[o * inner + i])
                        gx[(o * length + l) * inner + i] += g.data[o * inner + i]
                    }
                }
            }
        }
        return out
    }

    /// Index of the largest value along the last axis, one per row (no gradient).
    public func argmax() -> [Int] {
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        return (0..<rows).map { r in
            let p = data + r * n
            var best = 0
            for j in 1..<Swift.max(n, 1) where p[j] > p[best] { best = j }
            return best
        }
    }

    static func reducedShape(_ shape: [Int], _ axis: Int, _ keep: Bool) -> [Int] {
        var s = shape
        if keep { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }
}

/// Integer indices an op keeps for its backward (argmax positions), freed with the node.
final class IndexBuffer {
    let pointer: UnsafeMutablePointer<Int32>
    let count: Int

    init(_ pointer: UnsafeMutablePointer<Int32>, count: Int) {
        self.pointer = pointer
        self.count = count
    }

    deinit { pointer.deallocate() }
}
