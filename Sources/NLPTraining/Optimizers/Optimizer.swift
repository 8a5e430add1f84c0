import Dispatch
import NLPTensor

/// Updates parameters from their gradients. `step()` applies one update to every parameter that
/// has a gradient (parameters without one are skipped, as PyTorch does); `zeroGrad()` drops the
/// gradients so the next backward starts from zero.
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    /// The rate the next `step()` uses (a schedule sets it before each step).
    var learningRate: Float { get set }
    /// One update from the gradients multiplied by `gradientScale` (gradient clipping's factor,
    /// applied in the update's own pass instead of rewriting the gradients first; they are left as
    /// they are).
    func step(gradientScale: Float)
    /// The optimizer's per-parameter buffers (moments, velocities) and step counts, keyed by
    /// `kind.parameterName` (or `kind.index` for unnamed parameters), for checkpoints.
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores buffers saved by `stateTensors()`; missing entries start from zero.
    func restoreState(_ tensors: [String: Tensor]) throws
}

extension Optimizer {
    public func step() { step(gradientScale: 1) }

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

/// The element loops of the optimizers: one parallel region for all the parameters of a step
/// (a region per parameter cost more than the arithmetic of the small ones).
enum OptimizerKernels {
    /// Calls `body(index, range)` over the elements `0..<counts[index]` of every tensor, the
    /// concatenated elements split into one contiguous span per thread (a span may cover the end
    /// of one tensor and the start of the next). Each element is visited once.
    static func forEachSpan(counts: [Int], costPerItem: Int = 8, _ body: (_ index: Int, _ range: Range<Int>) -> Void) {
        let total = counts.reduce(0, +)
        let chunks = Parallelism.chunkCount(for: total, costPerItem: costPerItem)
        func visit(_ chunk: Int) {
            let span = Parallelism.chunkRange(chunk, of: chunks, count: total)
            var start = 0
            for (index, count) in counts.enumerated() {
                let end = start + count
                let lower = Swift.max(start, span.lowerBound), upper = Swift.min(end, span.upperBound)
                if lower < upper { body(index, (lower - start)..<(upper - start)) }
                if end >= span.upperBound { break }
                start = end
            }
        }
        if chunks <= 1 { if total > 0 { visit(0) } } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: visit) }
    }

    /// Calls `body(index)` for every tensor index, whole tensors shared out over the threads in
    /// contiguous groups of about equal element counts (for per-tensor reductions whose value must
    /// not depend on the thread count).
    static func forEachTensor(counts: [Int], costPerItem: Int = 2, _ body: (_ index: Int) -> Void) {
        let total = counts.reduce(0, +)
        let groups = Swift.min(counts.count, Parallelism.chunkCount(for: total, costPerItem: costPerItem))
        if groups <= 1 { for index in counts.indices { body(index) }; return }
        var bounds = [0], sum = 0
        for (index, count) in counts.enumerated() {
            sum += count
            if sum * groups >= total * bounds.count && bounds.count < groups { bounds.append(index + 1) }
        }
        if bounds.last != counts.count { bounds.append(counts.count) }
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { group in
            for index in bounds[group]..<bounds[group + 1] { body(index) }
        }
    }
}
