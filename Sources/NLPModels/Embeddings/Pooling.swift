import NLPTensor

/// How token states become one sentence vector (sentence-transformers' Pooling module).
public enum Pooling: String, Sendable {
    /// Mean over the tokens the attention mask keeps.
    case mean
    /// The first token's state ([CLS]).
    case cls
    /// Elementwise max over the kept tokens.
    case max
    /// Sum over the kept tokens divided by √count.
    case meanSquareRootLength

    /// Pools hidden [B, T, C] under mask [B, T] (1 = token; nil = all tokens) → [B, C].
    /// Inference only (no gradient).
    public func callAsFunction(_ hidden: Tensor, lengths: [Int]) -> Tensor {
        let (b, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        precondition(lengths.count == b, "\(lengths.count) lengths for a batch of \(b)")
        let out = Tensor.zeros([b, c])
        for row in 0..<b {
            let h = hidden.data + row * t * c, y = out.data + row * c
            let n = Swift.min(lengths[row], t)
            switch self {
            case .cls:
                y.update(from: h, count: c)
            case .max:
                guard n > 0 else { continue }
                y.update(from: h, count: c)
                for i in 1..<Swift.max(n, 1) { for j in 0..<c { y[j] = Swift.max(y[j], h[i * c + j]) } }
            case .mean, .meanSquareRootLength:
                for i in 0..<n { for j in 0..<c { y[j] += h[i * c + j] } }
                // sentence-transformers divides by clamp(count, min: 1e-9).
                let divisor = self == .mean ? Swift.max(Float(n), 1e-9) : Swift.max(Float(n), 1e-9).squareRoot()
                for j in 0..<c { y[j] /= divisor }
            }
        }
        return out
    }
}

/// Scales each row of x [N, C] to unit L2 norm (x / max(‖x‖, 1e-12), as torch's F.normalize).
public func l2Normalized(_ x: Tensor) -> Tensor {
    let c = x.shape.last ?? 1, rows = x.count / Swift.max(c, 1)
    let out = Tensor(uninitializedShape: x.shape)
    for r in 0..<rows {
        let p = x.data + r * c, y = out.data + r * c
        let norm = Kernels.dot(p, p, count: c).squareRoot()
        let inv = 1 / Swift.max(norm, 1e-12)
        for j in 0..<c { y[j] = p[j] * inv }
    }
    return out
}
