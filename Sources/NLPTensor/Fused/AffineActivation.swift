// GELU(x·W + b) as one op (a Transformer MLP's expansion). The product runs in blocks of rows and
// each block is activated in place right after its sgemm, while it is still in L1, so the
// pre-activation is never a tensor of its own: in training the op keeps the activation's
// derivative instead (as `mappedKeepingDerivative` does), and a [rows, 4·width] buffer that the
// unfused pair writes, keeps alive until the backward and never reads again is gone. The values are
// those of `affine` followed by `gelu`, bit for bit.

extension Tensor {
    /// `gelu(self · weight + bias)`: self [..., in], weight [in, out] (GPT-2's Conv1D layout),
    /// bias [out] → [..., out]. Equals `affine(weight:bias:).gelu(approximation:)`.
    public func affineGELU(weight: Tensor, bias: Tensor? = nil, approximation: GELUApproximation = .none) -> Tensor {
        switch approximation {
        case .none: return affineActivated("affine gelu", weight: weight, bias: bias, Functions.GELUExact())
        case .tanh: return affineActivated("affine gelu tanh", weight: weight, bias: bias, Functions.GELUTanh())
        }
    }

    /// `f(self · weight + bias)` for an activation whose derivative reads its input.
    func affineActivated<F: Activation>(_ op: StaticString, weight: Tensor, bias: Tensor?, _ f: F) -> Tensor {
        precondition(!F.derivativeUsesOutput, "affineActivated keeps f′(x), not f(x)")
        precondition(weight.rank == 2 && shape.last == weight.shape[0],
                     "affine: input \(shape) and weight \(weight.shape) ([in, out]) do not agree")
        let inFeatures = weight.shape[0], outFeatures = weight.shape[1]
        let rows = count / Swift.max(inFeatures, 1)
        if let bias { precondition(bias.count == outFeatures, "affine: bias \(bias.shape) for \(outFeatures) outputs") }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        let recording = Tensor.isRecording(inputs)
        let out = Tensor(uninitializedShape: Array(shape.dropLast()) + [outFeatures])
        let derivative: Tensor? = recording ? Tensor(uninitializedShape: out.shape) : nil
        let y = out.data, d = derivative?.data
        /// Rows [start, start + count): bias, product, activation in place.
        func block(_ start: Int, _ count: Int) {
            let o = y + start * outFeatures, n = count * outFeatures
            if let bias {
                for r in 0..<count { (o + r * outFeatures).update(from: bias.data, count: outFeatures) }
            }
            Gemm.multiply(data + start * inFeatures, transposeA: false, weight.data, transposeB: false, o,
                          m: count, n: outFeatures, k: inFeatures, beta: bias == nil ? 0 : 1)
            if let d {
                let s = d + start * outFeatures
                for i in 0..<n {
                    let (value, slope) = f.valueAndDerivative(o[i])
                    o[i] = value
                    s[i] = slope
                }
            } else {
                for i in 0..<n { o[i] = f(o[i]) }
            }
        }
        if Parallelism.threads == 1 {
            // The row blocks `Gemm.multiply` would split the whole product into (or one block).
            let step = Gemm.smallProductRows(m: rows, n: outFeatures, k: inFeatures) ?? rows
            var start = 0
            while start < rows {
                block(start, Swift.min(step, rows - start))
                start += step
            }
        } else {
            // Threaded BLAS for the product; the activation in parallel chunks of rows after it.
            if let bias {
                for r in 0..<rows { (y + r * outFeatures).update(from: bias.data, count: outFeatures) }
            }
            Gemm.multiply(data, transposeA: false, weight.data, transposeB: false, y,
                          m: rows, n: outFeatures, k: inFeatures, beta: bias == nil ? 0 : 1)
            Parallelism.forEachChunk(of: out.count, costPerItem: 48) { range in
                if let d {
                    for i in range {
                        let (value, slope) = f.valueAndDerivative(y[i])
                        y[i] = value
                        d[i] = slope
                    }
                } else {
                    for i in range { y[i] = f(y[i]) }
                }
            }
        }
        if let derivative {
            out.record(op, inputs: inputs) { [self] out, g in
                // The pre-activation's gradient g·f′, in g's own buffer when nothing else reads it.
                let gz: Tensor
                if out.ownsGradientExclusively(g) {
                    Kernels.update(g.data, with: derivative.data, count: g.count, Functions.Multiply())
                    gz = g
                } else {
                    gz = Tensor(uninitializedShape: out.shape)
                    Kernels.zip(g.data, derivative.data, gz.data, count: g.count, Functions.Multiply())
                }
                affineBackward(weight: weight, bias: bias, rows: rows, gz)
            }
        }
        return out
    }
}
