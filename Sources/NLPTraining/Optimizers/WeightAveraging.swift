import NLPTensor

/// An optimizer that also keeps an exponential moving average of the parameters after each of its
/// steps (Polyak averaging): a ← d·a + (1 − d)·θ, with d = min(decay, (1 + t)/(10 + t)) at step t
/// so the first steps do not pull the average back towards the starting weights.
///
/// Why: fine-tuning a small encoder on a few thousand rows, the dev accuracy of the raw weights
/// swings by several points from one evaluation to the next; the average of the last ~1/(1 − d)
/// steps' weights sits nearer the middle of that valley. The trainer evaluates and saves the
/// averaged weights (`withAveragedParameters`); checkpoints carry the averages, so a resumed run
/// continues the same average.
public final class WeightAveraging: Optimizer {
    public let inner: Optimizer
    public let decay: Float
    let averages: [Tensor]
    /// Steps averaged so far (a one-element tensor, so it is saved with the optimizer state).
    let steps = Tensor.zeros([1])

    public init(_ inner: Optimizer, decay: Float) {
        precondition(decay > 0 && decay < 1, "an averaging decay is in (0, 1)")
        self.inner = inner
        self.decay = decay
        averages = inner.parameters.map { $0.copy() }
    }

    public var parameters: [Tensor] { inner.parameters }
    public var learningRate: Float {
        get { inner.learningRate }
        set { inner.learningRate = newValue }
    }

    public func step(gradientScale: Float) {
        inner.step(gradientScale: gradientScale)
        let t = steps.data[0] + 1
        steps.data[0] = t
        let d = min(decay, (1 + t) / (10 + t)), e = 1 - d
        let parameters = inner.parameters, averages = averages
        OptimizerKernels.forEachSpan(counts: parameters.map(\.count), costPerItem: 3) { index, range in
            let a = averages[index].data, p = parameters[index].data
            for i in range { a[i] = d * a[i] + e * p[i] }
        }
    }

    /// Runs `body` with the averaged weights in the parameters, then puts the trained ones back.
    public func withAveragedParameters<R>(_ body: () throws -> R) rethrows -> R {
        swapParametersAndAverages()
        defer { swapParametersAndAverages() }
        return try body()
    }

    private func swapParametersAndAverages() {
        let parameters = inner.parameters, averages = averages
        OptimizerKernels.forEachSpan(counts: parameters.map(\.count), costPerItem: 2) { index, range in
            let a = averages[index].data, p = parameters[index].data
            for i in range { let x = a[i]; a[i] = p[i]; p[i] = x }
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        inner.stateTensors() + [("average_steps", steps)] + averages.indices.map { (stateKey("average", $0), averages[$0]) }
    }

    public func restoreState(_ tensors: [String: Tensor]) throws {
        try inner.restoreState(tensors)
        for (index, average) in averages.enumerated() {
            let key = stateKey("average", index)
            guard let saved = tensors[key] else { throw OptimizerStateError(description: "the weight average \(key) is missing") }
            guard saved.shape == average.shape else {
                throw OptimizerStateError(description: "the weight average \(key) has shape \(saved.shape), the parameter \(average.shape)")
            }
            average.assign(saved)
        }
        guard let saved = tensors["average_steps"], saved.count == 1 else {
            throw OptimizerStateError(description: "the weight average's step count is missing")
        }
        steps.data[0] = saved.data[0]
    }
}
