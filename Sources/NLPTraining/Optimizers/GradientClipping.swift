import NLPTensor

/// Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the L2 norm of all the
/// parameters' gradients taken together (`torch.nn.utils.clip_grad_norm_`). Returns ‖g‖ before
/// clipping (useful to log). Parameters without a gradient are skipped.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        total += Double(Kernels.dot(g.data, g.data, count: g.count))
    }
    let norm = Float(total.squareRoot())
    let scale = min(1, maxNorm / (norm + 1e-6))
    if scale < 1 {
        for p in parameters {
            guard let g = p.grad else { continue }
            let d = g.data
            Parallelism.forEachChunk(of: g.count) { range in
                for i in range { d[i] *= scale }
            }
        }
    }
    return norm
}
