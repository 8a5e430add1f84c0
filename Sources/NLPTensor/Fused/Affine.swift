// x·W + b with W stored [in, out] (GPT-2's Conv1D layout; `linear` takes PyTorch's [out, in]).
// The bias is written first and sgemm adds the product onto it (beta = 1), as in `linear`.

extension Tensor {
    /// `self · weight + bias`: self [..., in], weight [in, out], bias [out] → [..., out].
    public func affine(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2 && shape.last == weight.shape[0],
                     "affine: input \(shape) and weight \(weight.shape) ([in, out]) do not agree")
        let inFeatures = weight.shape[0], outFeatures = weight.shape[1]
        let rows = count / Swift.max(inFeatures, 1)
        let out = Tensor(uninitializedShape: Array(shape.dropLast()) + [outFeatures])
        if let bias {
            precondition(bias.count == outFeatures, "affine: bias \(bias.shape) for \(outFeatures) outputs")
            for r in 0..<rows { (out.data + r * outFeatures).update(from: bias.data, count: outFeatures) }
        }
        Gemm.multiply(data, transposeA: false, weight.data, transposeB: false, out.data,
                      m: rows, n: outFeatures, k: inFeatures, beta: bias == nil ? 0 : 1)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        if Tensor.isRecording(inputs) {
            out.record("affine", inputs: inputs) { [self] _, g in
                affineBackward(weight: weight, bias: bias, rows: rows, g)
            }
        }
        return out
    }

    /// The gradients of `self · weight + bias` from the output's gradient g [rows, out].
    func affineBackward(weight: Tensor, bias: Tensor?, rows: Int, _ g: Tensor) {
        let inFeatures = weight.shape[0], outFeatures = weight.shape[1]
        if requiresGrad {
            updateGrad { gx, acc in   // dX[rows, in] = dY · Wᵀ
                Gemm.multiply(g.data, transposeA: false, weight.data, transposeB: true, gx,
                              m: rows, n: inFeatures, k: outFeatures, beta: acc ? 1 : 0)
            }
        }
        if weight.requiresGrad {
            weight.updateGrad { gw, acc in   // dW[in, out] = Xᵀ · dY
                Gemm.multiply(data, transposeA: true, g.data, transposeB: false, gw,
                              m: inFeatures, n: outFeatures, k: rows, beta: acc ? 1 : 0)
            }
        }
        if let bias, bias.requiresGrad {
            bias.updateGrad { gb, acc in
                Kernels.sumToShape(g.data, from: [rows, outFeatures], gb, to: [outFeatures], accumulate: acc)
            }
        }
    }
}
