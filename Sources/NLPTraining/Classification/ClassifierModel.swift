import Foundation
import NLPModels
import NLPTensor

/// A model that maps token batches to class logits [B, labels] and lives in a model folder.
public protocol ClassifierModel: PretrainedModel {
    var labels: [String] { get }
    func logits(_ input: TokenBatch) -> Tensor
}

extension BertForSequenceClassification: ClassifierModel {
    public func logits(_ input: TokenBatch) -> Tensor { self(input) }
}

/// Forward passes over many sequences without a graph: sorted by length so batches carry little
/// padding, and with more than one thread the batches run in parallel, one per thread with
/// single-threaded kernels (parallel at one level only).
public enum BatchedInference {
    /// The rows `forward` gives for each sequence, in input order: [count, width].
    public static func rows(count: Int, width: Int, lengths: [Int], batchSize: Int,
                            _ forward: ([Int]) -> Tensor) -> [[Float]] {
        let order = (0..<count).sorted { (lengths[$0], $1) > (lengths[$1], $0) }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
        var out = [[Float]](repeating: [], count: count)
        let workers = min(Parallelism.threads, batches.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let results = UnsafeSendable(buffer.baseAddress!)
            func run(_ batch: [Int]) {
                let y = forward(batch)
                for (row, index) in batch.enumerated() {
                    results.value[index] = Array(UnsafeBufferPointer(start: y.data + row * width, count: width))
                }
            }
            noGrad {
                if workers <= 1 {
                    for batch in batches { run(batch) }
                    return
                }
                let threads = Parallelism.threads
                Parallelism.setThreads(1)
                defer { Parallelism.setThreads(threads) }
                let next = SharedCounter()
                withoutActuallyEscaping(run) { run in
                    let work = UnsafeSendable(run)
                    DispatchQueue.concurrentPerform(iterations: workers) { _ in
                        while let i = next.take(below: batches.count) { work.value(batches[i]) }
                    }
                }
            }
        }
        return out
    }
}

/// Carries a value into a parallel loop whose iterations touch disjoint data.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
