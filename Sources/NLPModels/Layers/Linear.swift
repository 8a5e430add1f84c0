import NLPTensor

/// y = x·Wᵀ + b. weight [out, in], bias [out] (PyTorch's and Hugging Face's layout).
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        weight = parameter([outFeatures, inFeatures])
        self.bias = bias ? parameter([outFeatures]) : nil
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// PyTorch's default: U(−1/√in, 1/√in) for weight and bias.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        let bound = 1 / Float(inFeatures).squareRoot()
        generator.fillUniform(weight.data, count: weight.count, low: -bound, high: bound)
        if let bias { generator.fillUniform(bias.data, count: bias.count, low: -bound, high: bound) }
    }

    /// x [..., in] → [..., out].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.linear(weight: weight, bias: bias)
    }

    /// residual + x·Wᵀ + b in one op (a residual connection without a separate add).
    public func callAsFunction(_ x: Tensor, adding residual: Tensor) -> Tensor {
        x.linear(weight: weight, bias: bias, adding: residual)
    }
}

/// GPT-2's "Conv1D": y = x·W + b with weight [in, out] (transposed against `Linear`), kept so that
/// GPT-2 checkpoints load as they are.
public final class Conv1D: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        weight = parameter([inFeatures, outFeatures])
        self.bias = bias ? parameter([outFeatures]) : nil
    }

    public var inFeatures: Int { weight.shape[0] }
    public var outFeatures: Int { weight.shape[1] }

    /// GPT-2's: normal(0, 0.02) weight, zero bias.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        generator.fillNormal(weight.data, count: weight.count, standardDeviation: 0.02)
        bias?.data.update(repeating: 0, count: bias!.count)
    }

    /// x [..., in] → [..., out].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.affine(weight: weight, bias: bias)
    }

    /// residual + x·W + b in one op (a residual connection without a separate add).
    public func callAsFunction(_ x: Tensor, adding residual: Tensor) -> Tensor {
        x.affine(weight: weight, bias: bias, adding: residual)
    }

    /// activation(x·W + b); GELU is fused into the product (no pre-activation tensor).
    public func callAsFunction(_ x: Tensor, activation: ActivationFunction) -> Tensor {
        switch activation {
        case .gelu: return x.affineGELU(weight: weight, bias: bias, approximation: .none)
        case .geluTanh: return x.affineGELU(weight: weight, bias: bias, approximation: .tanh)
        case .relu, .tanh: return activation(self(x))
        }
    }
}
