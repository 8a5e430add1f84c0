// Slicing, concatenation, splitting and stacking along one axis.

extension Tensor {
    /// Elements `range` along `axis`. A view when the slice is contiguous (every dimension before
    /// `axis` has size 1), else a copy.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) of axis \(axis) with size \(shape[axis])")
        let (outer, length, inner) = Shape.split(shape, at: axis)
        var newShape = shape
        newShape[axis] = range.count
        let out: Tensor
        if outer == 1 {
            out = Tensor(shape: newShape, storage: storage, offset: offset + range.lowerBound * inner)
        } else {
            out = Tensor(uninitializedShape: newShape)
            let run = range.count * inner
            for o in 0..<outer {
                (out.data + o * run).update(from: data + (o * length + range.lowerBound) * inner, count: run)
            }
        }
        if Tensor.isRecording(self) {
            out.record("slice", inputs: [self]) { [self] _, g in
                let run = range.count * inner
                updateGrad { gx, accumulate in
                    for o in 0..<outer {
                        let dst = gx + o * length * inner
                        if accumulate {
                            Kernels.add(g.data + o * run, into: dst + range.lowerBound * inner, count: run)
                        } else {
                            // A fresh buffer: zeros around the slice, the slice's gradient copied in.
                            dst.update(repeating: 0, count: range.lowerBound * inner)
                            (dst + range.lowerBound * inner).update(from: g.data + o * run, count: run)
                            (dst + range.upperBound * inner).update(repeating: 0, count: (length - range.upperBound) * inner)
                        }
                    }
                }
            }
        }
        return out
    }

    /// The tensors joined along `axis` (all other dimensions equal).
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat of no tensors")
        let first = tensors[0]
        let axis = Shape.normalize(axis: axis, rank: first.rank)
        var newShape = first.shape
        newShape[axis] = 0
        for t in tensors {
            var s = t.shape
            precondition(s.count == first.rank, "concat of shapes \(first.shape) and \(t.shape)")
            newShape[axis] += s[axis]
            s[axis] = first.shape[axis]
            precondition(s == first.shape, "concat along \(axis) of shapes \(first.shape) and \(t.shape)")
        }
        let (outer, total, inner) = Shape.split(newShape, at: axis)
        let out = Tensor(uninitializedShape: newShape)
        var start = 0
        var starts: [Int] = []
        for t in tensors {
            let run = t.shape[axis] * inner
            for o in 0..<outer {
                (out.data + (o * total + start) * inner).update(from: t.data + o * run, count: run)
            }
            starts.append(start)
            start += t.shape[axis]
        }
        if isRecording(tensors) {
            out.record("concat", inputs: tensors) { _, g in
                for (t, start) in zip(tensors, starts) where t.requiresGrad {
                    let run = t.shape[axis] * inner
                    t.updateGrad { gt, acc in
                        for o in 0..<outer {
                            let src = g.data + (o * total + start) * inner
                            if acc { Kernels.add(src, into: gt + o * run, count: run) } else { (gt + o * run).update(from: src, count: run) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Consecutive pieces of the given sizes along `axis` (they must add up to its size).
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let a = Shape.normalize(axis: axis, rank: rank)
        precondition(sizes.reduce(0, +) == shape[a], "split sizes \(sizes) for axis \(axis) of size \(shape[a])")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start..<(start + size))
        }
    }

    /// `parts` equal pieces along `axis`.
    public func split(into parts: Int, axis: Int) -> [Tensor] {
        let size = self.size(axis)
        precondition(parts > 0 && size % parts == 0, "split of size \(size) into \(parts) equal parts")
        return split(sizes: Array(repeating: size / parts, count: parts), axis: axis)
    }

    /// The tensors (all the same shape) stacked along a new dimension at `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack of no tensors")
        return concat(tensors.map { $0.unsqueezed(axis: axis) }, axis: axis)
    }
}
