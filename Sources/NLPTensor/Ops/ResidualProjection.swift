// residual + x·Wᵀ + b (and residual + x·W + b for Conv1D's [in, out] weight) as one op: the
// residual (plus the bias) is written into the output and sgemm adds the product onto it (beta 1),
// so a Transformer's "x + proj(h)" costs no zero-fill of the product and no separate add pass.
// The backward is the projection's, plus the output gradient passed to the residual as it is.

extension Tensor {
    /// `residual + self · weightᵀ + bias` with PyTorch's [out, in] weight: self [..., in],
    /// residual [..., out] → [..., out]. Equals `self.linear(weight:bias:) + residual`.
    public func linear(weight: Tensor, bias: Tensor? = nil, adding residual: Tensor) -> Tensor {
        precondition(weight.rank == 2 && shape.last == weight.shape[1],
                     "linear: input \(shape) and weight \(weight.shape) ([out, in]) do not agree")
        return residualProjection(weight: weight, transposed: true, bias: bias, residual: residual)
    }

    /// `residual + self · weight + bias` with a [in, out] weight (GPT-2's Conv1D). Equals
    /// `self.affine(weight:bias:) + residual`.
    public func affine(weight: Tensor, bias: Tensor? = nil, adding residual: Tensor) -> Tensor {
        precondition(weight.rank == 2 && shape.last == weight.shape[0],
                     "affine: input \(shape) and weight \(weight.shape) ([in, out]) do not agree")
        return residualProjection(weight: weight, transposed: false, bias: bias, residual: residual)
    }

    /// `transposed`: the weight is [out, in] (linear) rather than [in, out] (affine).
    private func residualProjection(weight: Tensor, transposed: Bool, bias: Tensor?, residual: Tensor) -> Tensor {
        let inFeatures = transposed ? weight.shape[1] : weight.shape[0]
        let outFeatures = transposed ? weight.shape[0] : weight.shape[1]
        let rows = count / Swift.max(inFeatures, 1)
        let outShape = Array(shape.dropLast()) + [outFeatures]
        precondition(residual.shape == outShape, "residual \(residual.shape) for a projection to \(outShape)")
        let out = Tensor(uninitializedShape: outShape)
        if let bias {
            precondition(bias.count == outFeatures, "projection bias \(bias.shape) for \(outFeatures) outputs")
            let (o, r, b) = (out.data, residual.data, bias.data)
            for row in 0..<rows {
                let base = row * outFeatures
                for j in 0..<outFeatures { o[base + j] = r[base + j] + b[j] }
            }
        } else {
            out.data.update(from: residual.data, count: out.count)
        }
        Gemm.multiply(data, transposeA: false, weight.data, transposeB: transposed, out.data,
                      m: rows, n: outFeatures, k: inFeatures, beta: 1)
        let inputs = [self, weight, residual] + (bias.map { [$0] } ?? [])
        if Tensor.isRecording(inputs) {
            out.record("residual projection", inputs: inputs) { [self] out, g in
                if requiresGrad {
                    updateGrad { gx, acc in   // dX[rows, in] = dY · W (linear) or dY · Wᵀ (affine)
                        Gemm.multiply(g.data, transposeA: false, weight.data, transposeB: !transposed, gx,
                                      m: rows, n: inFeatures, k: outFeatures, beta: acc ? 1 : 0)
                    }
                }
                if weight.requiresGrad {
                    weight.updateGrad { gw, acc in
                        if transposed {   // dW[out, in] = dYᵀ · X
                            Gemm.multiply(g.data, transposeA: true, data, transposeB: false, gw,
                                          m: outFeatures, n: inFeatures, k: rows, beta: acc ? 1 : 0)
                        } else {          // dW[in, out] = Xᵀ · dY
                            Gemm.multiply(data, transposeA: true, g.data, transposeB: false, gw,
                                          m: inFeatures, n: outFeatures, k: rows, beta: acc ? 1 : 0)
                        }
                    }
                }
                if let bias, bias.requiresGrad {
                    bias.updateGrad { gb, acc in
                        Kernels.sumToShape(g.data, from: [rows, outFeatures], gb, to: [outFeatures], accumulate: acc)
                    }
                }
                // Last, after every read of g: the residual may take g's buffer as its own.
                if residual.requiresGrad { residual.accumulateGrad(g, owned: out.ownsGradientExclusively(g)) }
            }
        }
        return out
    }
}
