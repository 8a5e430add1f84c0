import NLPTensor

/// Layer normalization over the last axis with a learned gain and (optionally) bias.
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let epsilon: Float

    public init(_ dimension: Int, epsilon: Float = 1e-5, bias: Bool = true) {
        weight = parameter([dimension])
        self.bias = bias ? parameter([dimension]) : nil
        self.epsilon = epsilon
    }

    /// Ones and zeros.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        weight.data.update(repeating: 1, count: weight.count)
        bias?.data.update(repeating: 0, count: bias!.count)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }
}
