import Foundation
import NLPTensor

/// Adam (`torch.optim.Adam`): weight decay is L2, added to the gradient before the moments.
public final class Adam: AdamFamily {
    /// `exemptFromWeightDecay` picks parameters that get no weight decay (asked once, here).
    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, exemptFromWeightDecay: (Tensor) -> Bool = { _ in false }) {
        super.init(core: AdamCore(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                                  epsilon: epsilon, weightDecay: weightDecay, exempt: exemptFromWeightDecay, decoupled: false))
    }
}

/// AdamW (`torch.optim.AdamW`): decoupled weight decay, θ ← θ(1 − ηλ) before the Adam update.
public final class AdamW: AdamFamily {
    /// `exemptFromWeightDecay` picks parameters that get no weight decay (asked once, here) —
    /// Hugging Face's Trainer exempts biases and LayerNorm weights:
    /// `{ $0.name.map { $0.hasSuffix("bias") || $0.contains("LayerNorm") } ?? false }`.
    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01, exemptFromWeightDecay: (Tensor) -> Bool = { _ in false }) {
        super.init(core: AdamCore(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                                  epsilon: epsilon, weightDecay: weightDecay, exempt: exemptFromWeightDecay, decoupled: true))
    }
}

/// What Adam and AdamW share: everything but how weight decay is applied (their `AdamCore`'s
/// `decoupled`).
public class AdamFamily: Optimizer {
    let core: AdamCore

    init(core: AdamCore) { self.core = core }

    public var parameters: [Tensor] { core.parameters }
    public var learningRate: Float {
        get { core.learningRate }
        set { core.learningRate = newValue }
    }
    public func step(gradientScale: Float) { core.step(gradientScale: gradientScale) }
    public func stateTensors() -> [(name: String, tensor: Tensor)] { core.stateTensors(key: stateKey) }
    public func restoreState(_ tensors: [String: Tensor]) throws { try core.restoreState(tensors, key: stateKey) }
}

/// The shared Adam update, one fused pass over each parameter:
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
final class AdamCore {
    let parameters: [Tensor]
    var learningRate: Float
    let beta1: Float, beta2: Float, epsilon: Float
    /// Weight decay of each parameter (0 for exempt ones).
    let weightDecays: [Float]
    let decoupled: Bool
    /// Per parameter: first and second moments and the step count (PyTorch counts per parameter).
    private var moments: [(m: Tensor, v: Tensor)?]
    private var steps: [Int]

    init(parameters: [Tensor], learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
         weightDecay: Float, exempt: (Tensor) -> Bool, decoupled: Bool) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        weightDecays = parameters.map { exempt($0) ? 0 : weightDecay }
        self.decoupled = decoupled
        moments = Array(repeating: nil, count: parameters.count)
        steps = Array(repeating: 0, count: parameters.count)
    }

    /// The constants of one parameter's update in a step.
    private struct Update {
        let theta: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>
        let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
        let stepSize: Float, rootCorrection: Float, decay: Float, l2: Float
    }

    /// One update of every parameter with a gradient (scaled by `gradientScale`), all in one pass.
    func step(gradientScale scale: Float) {
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        var updates: [Update] = [], counts: [Int] = []
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            if moments[index] == nil { moments[index] = (Tensor.zeros(p.shape), Tensor.zeros(p.shape)) }
            steps[index] += 1
            let t = Double(steps[index]), wd = weightDecays[index]
            updates.append(Update(theta: p.data, g: grad.data, m: moments[index]!.m.data, v: moments[index]!.v.data,
                                  stepSize: lr / Float(1 - Foundation.pow(Double(b1), t)),
                                  rootCorrection: Float((1 - Foundation.pow(Double(b2), t)).squareRoot()),
                                  decay: decoupled ? 1 - lr * wd : 1, l2: decoupled ? 0 : wd))
            counts.append(p.count)
        }
        updates.withUnsafeBufferPointer { updates in
            OptimizerKernels.forEachSpan(counts: counts) { index, range in
                let u = updates[index]
                let theta = u.theta, g = u.g, m = u.m, v = u.v
                let stepSize = u.stepSize, rootCorrection = u.rootCorrection, decay = u.decay, l2 = u.l2
                for i in range {
                    let th = theta[i] * decay
                    let gi = g[i] * scale + l2 * th
                    let mi = m[i] + (1 - b1) * (gi - m[i])
                    let vi = b2 * v[i] + (1 - b2) * gi * gi
                    m[i] = mi
                    v[i] = vi
                    // FastMath.squareRoot: `Float.squareRoot()` would keep this loop scalar.
                    theta[i] = th - stepSize * mi / (FastMath.squareRoot(vi) / rootCorrection + eps)
                }
            }
        }
    }

    func stateTensors(key: (String, Int) -> String) -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        for (i, pair) in moments.enumerated() {
            guard let pair else { continue }
            out.append((key("exp_avg", i), pair.m))
            out.append((key("exp_avg_sq", i), pair.v))
            out.append((key("step", i), Tensor(Float(steps[i]))))
        }
        return out
    }

    func restoreState(_ tensors: [String: Tensor], key: (String, Int) -> String) throws {
        for i in parameters.indices {
            guard let m = tensors[key("exp_avg", i)], let v = tensors[key("exp_avg_sq", i)],
                  let step = tensors[key("step", i)] else {
                moments[i] = nil
                steps[i] = 0
                continue
            }
            guard m.count == parameters[i].count, v.count == parameters[i].count else {
                throw OptimizerStateError(description: "saved Adam moments of \(key("exp_avg", i)) have \(m.count) elements, the parameter \(parameters[i].count)")
            }
            let mm = Tensor(shape: parameters[i].shape, storage: m.copy().storage)
            let vv = Tensor(shape: parameters[i].shape, storage: v.copy().storage)
            moments[i] = (mm, vv)
            steps[i] = Int(step.scalar)
        }
    }
}
