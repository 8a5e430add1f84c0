import Dispatch

// Layer normalization over the last axis, one fused kernel each way.

extension Tensor {
    /// (x − mean) / √(var + ε) · weight + bias over the last axis (biased variance, as PyTorch).
    /// weight and bias have the last dimension's size; either may be omitted.
    public func layerNorm(weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) -> Tensor {
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        precondition(weight.map { $0.count == n } ?? true, "layerNorm weight \(weight!.shape) for rows of \(n)")
        precondition(bias.map { $0.count == n } ?? true, "layerNorm bias \(bias!.shape) for rows of \(n)")
        let out = Tensor(uninitializedShape: shape)
        let stats = Tensor(uninitializedShape: [rows, 2])   // mean, 1/σ per row, for backward
        let x = data, y = out.data, s = stats.data
        let w = weight?.data, b = bias?.data
        let invN = 1 / Float(n)
        Parallelism.forEachChunk(of: rows, costPerItem: n * 6) { range in
            for r in range {
                let px = x + r * n, py = y + r * n
                let mean = Kernels.sum(px, count: n) * invN
                let rstd = 1 / (Kernels.sumOfSquares(px, count: n, centeredOn: mean) * invN + epsilon).squareRoot()
                s[2 * r] = mean
                s[2 * r + 1] = rstd
                switch (w, b) {
                case let (w?, b?): for j in 0..<n { py[j] = b[j].addingProduct((px[j] - mean) * rstd, w[j]) }
                case let (w?, nil): for j in 0..<n { py[j] = (px[j] - mean) * rstd * w[j] }
                case let (nil, b?): for j in 0..<n { py[j] = (px[j] - mean) * rstd + b[j] }
                case (nil, nil): for j in 0..<n { py[j] = (px[j] - mean) * rstd }
                }
            }
        }
        let inputs = [self] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        if Tensor.isRecording(inputs) {
            out.record("layer norm", inputs: inputs) { [self] _, g in
                Tensor.layerNormBackward(x: self, weight: weight, bias: bias, stats: stats, g: g, n: n, rows: rows)
            }
        }
        return out
    }

    static func layerNormBackward(x: Tensor, weight: Tensor?, bias: Tensor?, stats: Tensor, g: Tensor, n: Int, rows: Int) {
        let wantX = x.requiresGrad
        let wantW = weight?.requiresGrad ?? false, wantB = bias?.requiresGrad ?? false
        let chunks = Parallelism.chunkCount(for: rows, costPerItem: n * 10)
        // Per-chunk partial sums of dW and dB, added in chunk order (deterministic for a thread count).
        let partials = (wantW || wantB) ? Tensor.zeros([chunks, 2, n]) : nil
        let xd = x.data, gd = g.data, s = stats.data, w = weight?.data
        let pd = partials?.data
        let invN = 1 / Float(n)
        let work = { (gxBuffer: UnsafeMutablePointer<Float>?, accumulate: Bool, chunk: Int) in
            let range = Parallelism.chunkRange(chunk, of: chunks, count: rows)
            let dw = pd.map { $0 + chunk * 2 * n }, db = dw.map { $0 + n }
            for r in range {
                let px = xd + r * n, pg = gd + r * n
                let mean = s[2 * r], rstd = s[2 * r + 1]
                if let dw, let db {
                    for j in 0..<n {
                        let xhat = (px[j] - mean) * rstd
                        dw[j] = dw[j].addingProduct(pg[j], xhat)
                        db[j] += pg[j]
                    }
                }
                guard let gx = gxBuffer else { continue }
                // dx = rstd · (g·w − mean(g·w) − x̂ · mean(g·w·x̂))
                // Σ g·w and Σ g·w·x̂ = rstd · (Σ g·w·x − mean · Σ g·w)
                let sumGW: Float, sumGWX: Float
                if let w {
                    sumGW = Kernels.dot(pg, w, count: n)
                    sumGWX = Kernels.dot3(pg, w, px, count: n)
                } else {
                    sumGW = Kernels.sum(pg, count: n)
                    sumGWX = Kernels.dot(pg, px, count: n)
                }
                let c1 = sumGW * invN, c2 = rstd * (sumGWX - mean * sumGW) * invN
                let pdx = gx + r * n
                if let w {
                    if accumulate {
                        for j in 0..<n { pdx[j] += rstd * (pg[j] * w[j] - c1 - (px[j] - mean) * rstd * c2) }
                    } else {
                        for j in 0..<n { pdx[j] = rstd * (pg[j] * w[j] - c1 - (px[j] - mean) * rstd * c2) }
                    }
                } else {
                    if accumulate {
                        for j in 0..<n { pdx[j] += rstd * (pg[j] - c1 - (px[j] - mean) * rstd * c2) }
                    } else {
                        for j in 0..<n { pdx[j] = rstd * (pg[j] - c1 - (px[j] - mean) * rstd * c2) }
                    }
                }
            }
        }
        let run = { (gx: UnsafeMutablePointer<Float>?, accumulate: Bool) in
            if chunks == 1 {
                work(gx, accumulate, 0)
            } else {
                DispatchQueue.concurrentPerform(iterations: chunks) { work(gx, accumulate, $0) }
            }
        }
        if wantX { x.updateGrad { gx, acc in run(gx, acc) } } else { run(nil, false) }
        guard let pd else { return }
        for c in 1..<chunks {
            Kernels.add(pd + c * 2 * n, into: pd, count: 2 * n)
        }
        if wantW, let weight {
            weight.updateGrad { gw, acc in
                if acc { Kernels.add(pd, into: gw, count: n) } else { gw.update(from: pd, count: n) }
            }
        }
        if wantB, let bias {
            bias.updateGrad { gb, acc in
                if acc { Kernels.add(pd + n, into: gb, count: n) } else { gb.update(from: pd + n, count: n) }
            }
        }
    }
}
