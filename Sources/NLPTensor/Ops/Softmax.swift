import Foundation

// Softmax and log-softmax over the last axis, fused with an optional scale and additive mask
// (attention: softmax(scores · 1/√d + mask) in one pass over each row).

extension Tensor {
    /// softmax(self · scale + mask) over the last axis. `mask` (no gradient) broadcasts to self's
    /// shape and has the same last dimension, or is omitted; -inf (or a large negative value) in it
    /// removes a position. A row with every position at -inf comes out all zero rather than NaN.
    public func softmax(scale: Float = 1, mask: Tensor? = nil) -> Tensor {
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        let out = Tensor(uninitializedShape: shape)
        let maskRows = mask.map { MaskRows(mask: $0, for: shape) }
        let x = data, y = out.data, maskData = mask?.data
        Parallelism.forEachChunk(of: rows, costPerItem: n * 24) { range in
            var maskOffsets = maskRows?.offsets(from: range.lowerBound)
            for r in range {
                let px = x + r * n, py = y + r * n
                let total: Float
                if let maskData, let maskOffset = maskOffsets?.next() {
                    let pm = maskData + maskOffset
                    for j in 0..<n { py[j] = pm[j].addingProduct(px[j], scale) }
                    let m = Kernels.max(py, count: n)
                    if m == -.infinity { py.update(repeating: 0, count: n); continue }
                    total = Kernels.expShiftedInPlace(py, count: n, shift: m)
                } else if scale > 0 {
                    // max(s·x) = s·max(x): scale, shift and exponentiate in one pass.
                    let m = Kernels.max(px, count: n) * scale
                    if m == -.infinity { py.update(repeating: 0, count: n); continue }
                    for j in 0..<n { py[j] = FastMath.exp((-m).addingProduct(px[j], scale)) }
                    total = Kernels.sum(py, count: n)
                } else {
                    for j in 0..<n { py[j] = px[j] * scale }
                    let m = Kernels.max(py, count: n)
                    if m == -.infinity { py.update(repeating: 0, count: n); continue }
                    total = Kernels.expShiftedInPlace(py, count: n, shift: m)
                }
                let inv = 1 / total
                for j in 0..<n { py[j] *= inv }
            }
        }
        if Tensor.isRecording(self) {
            out.record("softmax", inputs: [self]) { [self] out, g in
                // dx = scale · y ⊙ (g − Σ g·y)
                updateGrad { gx, accumulate in
                    let y = out.data, gy = g.data
                    Parallelism.forEachChunk(of: rows, costPerItem: n * 4) { range in
                        for r in range {
                            let py = y + r * n, pg = gy + r * n, pd = gx + r * n
                            let dot = Kernels.dot(pg, py, count: n)
                            if accumulate {
                                for j in 0..<n { pd[j] += scale * py[j] * (pg[j] - dot) }
                            } else {
                                for j in 0..<n { pd[j] = scale * py[j] * (pg[j] - dot) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// log(softmax(self)) over the last axis, computed stably as x − max − log Σ e^(x − max).
    public func logSoftmax() -> Tensor {
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        let out = Tensor(uninitializedShape: shape)
        let x = data, y = out.data
        Parallelism.forEachChunk(of: rows, costPerItem: n * 20) { range in
            for r in range {
                let px = x + r * n, py = y + r * n
                let (m, logSum) = Softmax.maxAndLogSum(px, count: n, scratch: py)
                for j in 0..<n { py[j] = (px[j] - m) - logSum }
            }
        }
        if Tensor.isRecording(self) {
            out.record("log softmax", inputs: [self]) { [self] out, g in
                // dx = g − softmax · Σ g
                updateGrad { gx, accumulate in
                    let y = out.data, gy = g.data
                    Parallelism.forEachChunk(of: rows, costPerItem: n * 20) { range in
                        for r in range {
                            let py = y + r * n, pg = gy + r * n, pd = gx + r * n
                            let total = Kernels.sum(pg, count: n)
                            if accumulate {
                                for j in 0..<n { pd[j] += pg[j] - FastMath.exp(py[j]) * total }
                            } else {
                                for j in 0..<n { pd[j] = pg[j] - FastMath.exp(py[j]) * total }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Tensor {
    /// The [size, size] additive causal mask: 0 on and below the diagonal, -inf above (position i
    /// sees positions ≤ i). Pass it as `softmax(mask:)` for [..., size, size] attention scores.
    public static func causalMask(_ size: Int) -> Tensor {
        Tensor(shape: [size, size]) { p in
            for i in 0..<size {
                for j in 0..<size { p[i * size + j] = j > i ? -.infinity : 0 }
            }
        }
    }
}

/// Row kernels shared by the softmax family and cross-entropy.
public enum Softmax {
    /// The row's max m and log Σ e^(x − m), so log-softmax is (x − m) − logSum without the
    /// rounding of forming m + logSum first. An all -inf row gives (-inf, 0).
    @inline(__always)
    /// `scratch` (n floats, may not alias x) receives e^(x − m).
    public static func maxAndLogSum(_ x: UnsafePointer<Float>, count n: Int,
                                    scratch: UnsafeMutablePointer<Float>) -> (max: Float, logSum: Float) {
        let m = Kernels.max(x, count: n)
        if m == -.infinity { return (m, 0) }
        return (m, Foundation.log(Kernels.expShifted(x, scratch, count: n, shift: m)))
    }
}

/// Where each row of a tensor of shape `shape` finds its row of a broadcast mask.
struct MaskRows {
    private let dims: [Int]
    private let strides: [Int]

    init(mask: Tensor, for shape: [Int]) {
        let n = shape.last ?? 1
        precondition(mask.shape.last == n, "mask of shape \(mask.shape) for rows of \(n) (tensor \(shape))")
        let full = Shape.broadcast(shape, mask.shape)
        precondition(full == shape, "mask of shape \(mask.shape) does not broadcast to \(shape)")
        let s = Shape.broadcastStrides(of: mask.shape, to: shape)
        dims = Array(shape.dropLast())
        strides = Array(s.dropLast())
    }

    /// Offsets of consecutive rows from `row` on, stepped rather than recomputed.
    struct Offsets {
        let rows: MaskRows
        var row: Int, offset: Int, index: Int
        let last: Int, step: Int

        @inline(__always)
        mutating func next() -> Int? {
            let current = offset
            row += 1
            index += 1
            if index == last {
                index = 0
                offset = rows.offset(ofRow: row)
            } else {
                offset += step
            }
            return current
        }
    }

    func offsets(from row: Int) -> Offsets {
        let last = dims.last ?? 1
        return Offsets(rows: self, row: row, offset: offset(ofRow: row), index: row % last, last: last, step: strides.last ?? 0)
    }

    @inline(__always)
    func offset(ofRow row: Int) -> Int {
        var r = row, offset = 0, d = dims.count - 1
        while d >= 0 {
            offset += (r % dims[d]) * strides[d]
            r /= dims[d]
            d -= 1
        }
        return offset
    }
}
