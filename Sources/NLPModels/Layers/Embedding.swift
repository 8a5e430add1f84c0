import NLPTensor

/// A lookup table: ids → rows of weight [count, dimension].
public final class Embedding: Module {
    public let weight: Tensor

    public init(_ count: Int, _ dimension: Int) {
        weight = parameter([count, dimension])
    }

    public var count: Int { weight.shape[0] }
    public var dimension: Int { weight.shape[1] }

    /// PyTorch's default: normal(0, 1).
    public override func resetOwnParameters(using generator: RandomGenerator) {
        generator.fillNormal(weight.data, count: weight.count)
    }

    /// ids laid out as `shape` (e.g. [B, T]) → [..., dimension].
    public func callAsFunction(_ ids: [Int32], shape: [Int]) -> Tensor {
        weight.gatherRows(ids, shape: shape)
    }
}
