import NLPTensor

/// Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the L2 norm of all the
/// parameters' gradients taken together (`torch.nn.utils.clip_grad_norm_`). Returns ‖g‖ before
/// clipping (useful to log). Parameters without a gradient are skipped. A training step can
/// instead pass `clippingScale` to `Optimizer.step(gradientScale:)`, which saves the rewrite.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    let norm = gradientNorm(parameters)
    let scale = clippingScale(norm: norm, maxNorm: maxNorm)
    if scale < 1 {
        let gradients = parameters.compactMap(\.grad)
        OptimizerKernels.forEachSpan(counts: gradients.map(\.count), costPerItem: 2) { index, range in
            let d = gradients[index].data
            for i in range { d[i] *= scale }
        }
    }
    return norm
}

/// ‖g‖: the L2 norm of all the parameters' gradients taken together (those without one skipped).
/// Each gradient's sum of squares is taken whole, so the value does not depend on the threads.
public func gradientNorm(_ parameters: [Tensor]) -> Float {
    let gradients = parameters.compactMap(\.grad)
    let squares = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, gradients.count))
    defer { squares.deallocate() }
    OptimizerKernels.forEachTensor(counts: gradients.map(\.count)) { index in
        let g = gradients[index]
        squares[index] = Double(Kernels.dot(g.data, g.data, count: g.count))
    }
    var total: Double = 0
    for index in gradients.indices { total += squares[index] }
    return Float(total.squareRoot())
}

/// The factor `clipGradientNorm` scales the gradients by: min(1, maxNorm / (norm + 1e-6)).
public func clippingScale(norm: Float, maxNorm: Float) -> Float {
    min(1, maxNorm / (norm + 1e-6))
}
