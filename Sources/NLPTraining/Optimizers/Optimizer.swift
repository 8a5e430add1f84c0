import NLPTensor

/// Updates parameters from their gradients. `step()` applies one update to every parameter that
/// has a gradient (parameters without one are skipped, as PyTorch does); `zeroGrad()` drops the
/// gradients so the next backward starts from zero.
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    /// The rate the next `step()` uses (a schedule sets it before each step).
    var learningRate: Float { get set }
    func step()
    /// The optimizer's per-parameter buffers (moments, velocities) and step counts, keyed by
    /// `kind.parameterName` (or `kind.index` for unnamed parameters), for checkpoints.
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores buffers saved by `stateTensors()`; missing entries start from zero.
    func restoreState(_ tensors: [String: Tensor]) throws
}

extension Optimizer {
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }

    /// The key of parameter `index` in saved state.
    func stateKey(_ kind: String, _ index: Int) -> String {
        "\(kind).\(parameters[index].name ?? String(index))"
    }
}

/// A saved optimizer state that does not fit the parameters it is restored into.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Per-parameter element loops of the optimizers, parallel over chunks of large parameters.
enum OptimizerKernels {
    static func forEachChunk(of count: Int, _ body: (Range<Int>) -> Void) {
        Parallelism.forEachChunk(of: count, costPerItem: 8, body)
    }
}
