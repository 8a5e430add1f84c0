// Matrix products: 2-D, batched over any leading dimensions, transposes through the BLAS flags
// (so Q·Kᵀ copies nothing). Forward and backward are all sgemm calls.

/// The layout of one product `op(A) · op(B)`, possibly batched.
struct MatmulLayout {
    var batch: Int
    var m: Int, n: Int, k: Int
    var strideA: Int, strideB: Int
    let transposeA: Bool, transposeB: Bool
    let shape: [Int]

    init(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) {
        precondition(a.count >= 2 && b.count >= 2, "matmul needs matrices, got shapes \(a) and \(b)")
        self.transposeA = transposeA
        self.transposeB = transposeB
        let (ar, ac) = (a[a.count - 2], a[a.count - 1])
        let (br, bc) = (b[b.count - 2], b[b.count - 1])
        m = transposeA ? ac : ar
        k = transposeA ? ar : ac
        let kb = transposeB ? bc : br
        n = transposeB ? br : bc
        precondition(k == kb, "matmul shapes \(a)\(transposeA ? "ᵀ" : "") and \(b)\(transposeB ? "ᵀ" : "") do not agree on the inner dimension")
        let leadA = Array(a.dropLast(2)), leadB = Array(b.dropLast(2))
        let lead: [Int]
        if leadB.isEmpty || leadA.isEmpty || leadA == leadB {
            lead = leadA.count >= leadB.count ? leadA : leadB
        } else {
            preconditionFailure("matmul batch dimensions \(leadA) and \(leadB) differ")
        }
        batch = lead.reduce(1, *)
        strideA = leadA.isEmpty ? 0 : ar * ac
        strideB = leadB.isEmpty ? 0 : br * bc
        shape = lead + [m, n]
        if strideB == 0 && !transposeA && batch > 1 {
            // A stack of matrices times one matrix is one tall product.
            m *= batch
            batch = 1
        }
    }
}

extension Tensor {
    /// `op(self) · op(other)` where op transposes the last two dimensions when asked. Shapes:
    /// [M, K]·[K, N] → [M, N]; [..., M, K]·[K, N] → [..., M, N] (one sgemm); [..., M, K]·[..., K, N]
    /// with equal leading dimensions → [..., M, N] (one sgemm per matrix); [M, K]·[..., K, N] too.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a = self, b = other
        let layout = MatmulLayout(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        let out = Tensor(uninitializedShape: layout.shape)
        Gemm.multiplyBatched(batch: layout.batch, a.data, strideA: layout.strideA, transposeA: transposeA,
                             b.data, strideB: layout.strideB, transposeB: transposeB,
                             out.data, strideC: layout.m * layout.n, m: layout.m, n: layout.n, k: layout.k)
        if Tensor.isRecording(a, b) {
            out.record("matmul", inputs: [a, b]) { _, g in
                Tensor.matmulBackward(layout, a, b, g)
            }
        }
        return out
    }

    static func matmulBackward(_ l: MatmulLayout, _ a: Tensor, _ b: Tensor, _ g: Tensor) {
        let (m, n, k) = (l.m, l.n, l.k)
        let strideC = m * n
        if a.requiresGrad {
            a.updateGrad { ga, accumulate in
                // Shared A (stride 0) sums over the batch: each product adds into the one gradient.
                let shared = l.strideA == 0 && l.batch > 1
                for part in 0..<(shared ? l.batch : 1) {
                    let batch = shared ? 1 : l.batch
                    let beta: Float = accumulate || part > 0 ? 1 : 0
                    let gp = g.data + part * strideC, bp = b.data + part * l.strideB
                    if !l.transposeA {
                        // dA[M,K] = dC · op(B)ᵀ
                        Gemm.multiplyBatched(batch: batch, gp, strideA: strideC, transposeA: false,
                                             bp, strideB: l.strideB, transposeB: !l.transposeB,
                                             ga, strideC: m * k, m: m, n: k, k: n, beta: beta)
                    } else {
                        // dA[K,M] = op(B) · dCᵀ
                        Gemm.multiplyBatched(batch: batch, bp, strideA: l.strideB, transposeA: l.transposeB,
                                             gp, strideB: strideC, transposeB: true,
                                             ga, strideC: m * k, m: k, n: m, k: n, beta: beta)
                    }
                }
            }
        }
        if b.requiresGrad {
            b.updateGrad { gb, accumulate in
                let shared = l.strideB == 0 && l.batch > 1
                for part in 0..<(shared ? l.batch : 1) {
                    let batch = shared ? 1 : l.batch
                    let beta: Float = accumulate || part > 0 ? 1 : 0
                    let gp = g.data + part * strideC, ap = a.data + part * l.strideA
                    if !l.transposeB {
                        // dB[K,N] = op(A)ᵀ · dC
                        Gemm.multiplyBatched(batch: batch, ap, strideA: l.strideA, transposeA: !l.transposeA,
                                             gp, strideB: strideC, transposeB: false,
                                             gb, strideC: k * n, m: k, n: n, k: m, beta: beta)
                    } else {
                        // dB[N,K] = dCᵀ · op(A)
                        Gemm.multiplyBatched(batch: batch, gp, strideA: strideC, transposeA: true,
                                             ap, strideB: l.strideA, transposeB: l.transposeA,
                                             gb, strideC: k * n, m: n, n: k, k: m, beta: beta)
                    }
                }
            }
        }
    }

    /// `self · weightᵀ + bias` with weight [out, in] and bias [out] (PyTorch's Linear layout):
    /// the bias is written first and the product added onto it by sgemm (beta = 1), and its
    /// gradient is the column sum of the output gradient. self: [..., in] → [..., out].
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2 && shape.last == weight.shape[1],
                     "linear: input \(shape) and weight \(weight.shape) ([out, in]) do not agree")
        let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        let rows = count / Swift.max(inFeatures, 1)
        let out = Tensor(uninitializedShape: Array(shape.dropLast()) + [outFeatures])
        if let bias {
            precondition(bias.count == outFeatures, "linear: bias \(bias.shape) for \(outFeatures) outputs")
            for r in 0..<rows { (out.data + r * outFeatures).update(from: bias.data, count: outFeatures) }
        }
        Gemm.multiply(data, transposeA: false, weight.data, transposeB: true, out.data,
                      m: rows, n: outFeatures, k: inFeatures, beta: bias == nil ? 0 : 1)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        if Tensor.isRecording(inputs) {
            out.record("linear", inputs: inputs) { [self] _, g in
                if requiresGrad {
                    updateGrad { gx, acc in   // dX[rows, in] = dY · W
                        Gemm.multiply(g.data, transposeA: false, weight.data, transposeB: false, gx,
                                      m: rows, n: inFeatures, k: outFeatures, beta: acc ? 1 : 0)
                    }
                }
                if weight.requiresGrad {
                    weight.updateGrad { gw, acc in   // dW[out, in] = dYᵀ · X
                        Gemm.multiply(g.data, transposeA: true, data, transposeB: false, gw,
                                      m: outFeatures, n: inFeatures, k: rows, beta: acc ? 1 : 0)
                    }
                }
                if let bias, bias.requiresGrad {
                    bias.updateGrad { gb, acc in
                        Kernels.sumToShape(g.data, from: [rows, outFeatures], gb, to: [outFeatures], accumulate: acc)
                    }
                }
            }
        }
        return out
    }
}
