import NLPTensor

/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), dampening and L2
/// weight decay, exactly as `torch.optim.SGD`:
/// g ← ∇ + λθ; v ← μv + (1 − τ)g (v ← g on the first step); g ← g + μv (Nesterov) or v; θ ← θ − ηg.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var velocities: [Tensor?]

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocities = Array(repeating: nil, count: parameters.count)
    }

    public func step(gradientScale scale: Float) {
        let lr = learningRate, mu = momentum, keep = 1 - dampening, wd = weightDecay, nesterov = nesterov
        var updates: [(theta: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>?, first: Bool)] = []
        var counts: [Int] = []
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            var v: UnsafeMutablePointer<Float>?, first = false
            if mu != 0 {
                first = velocities[index] == nil
                let velocity = velocities[index] ?? Tensor(uninitializedShape: p.shape)
                velocities[index] = velocity
                v = velocity.data
            }
            updates.append((p.data, grad.data, v, first))
            counts.append(p.count)
        }
        updates.withUnsafeBufferPointer { updates in
            OptimizerKernels.forEachSpan(counts: counts) { index, range in
                let (theta, g, velocity, first) = updates[index]
                guard let v = velocity else {
                    for i in range { theta[i] -= lr * ((g[i] * scale) + wd * theta[i]) }
                    return
                }
                for i in range {
                    let d = (g[i] * scale) + wd * theta[i]
                    let vi = first ? d : mu * v[i] + keep * d
                    v[i] = vi
                    theta[i] -= lr * (nesterov ? d + mu * vi : vi)
                }
            }
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        velocities.enumerated().compactMap { i, v in v.map { (stateKey("momentum_buffer", i), $0) } }
    }

    public func restoreState(_ tensors: [String: Tensor]) throws {
        for i in parameters.indices {
            guard let saved = tensors[stateKey("momentum_buffer", i)] else { velocities[i] = nil; continue }
            guard saved.count == parameters[i].count else {
                throw OptimizerStateError(description: "saved momentum of \(stateKey("momentum_buffer", i)) has \(saved.count) elements, the parameter \(parameters[i].count)")
            }
            velocities[i] = saved.copy()
        }
    }
}
