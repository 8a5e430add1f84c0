// Tensors of random numbers; each draws from `generator` (default: `RandomGenerator.default`).

extension Tensor {
    /// Uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: RandomGenerator = .default, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        generator.fillUniform(t.data, count: t.count, low: low, high: high)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Normal with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              generator: RandomGenerator = .default, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        generator.fillNormal(t.data, count: t.count, mean: mean, standardDeviation: standardDeviation)
        t.requiresGrad = requiresGrad
        return t
    }

    /// 1 with probability `probability`, else 0.
    public static func bernoulli(_ shape: [Int], probability: Float, generator: RandomGenerator = .default) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        generator.fillBernoulli(t.data, count: t.count, probability: probability)
        return t
    }

    /// One index per row of the last axis, drawn with probability proportional to the row's
    /// (non-negative) weights, e.g. the output of `softmax()`.
    public func sampleCategorical(generator: RandomGenerator = .default) -> [Int] {
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        return (0..<rows).map { r in
            generator.categorical(weights: UnsafeBufferPointer(start: data + r * n, count: n))
        }
    }
}
