import Foundation
import NLPTensor

/// Fixed sinusoidal position encodings (Vaswani et al. 2017): row p holds
/// sin(p / 10000^(2i/d)) in column 2i and cos(…) in column 2i + 1. Not a parameter and not saved:
/// the table is recomputed from its size.
public final class SinusoidalPositions: Module {
    /// [maxLength, dimension]; a plain stored value, so checkpoints do not list it.
    private let table: Table

    struct Table { let tensor: Tensor }

    public init(maxLength: Int, dimension: Int) {
        let t = Tensor(uninitializedShape: [maxLength, dimension])
        for p in 0..<maxLength {
            for i in stride(from: 0, to: dimension, by: 2) {
                let angle = Double(p) / Foundation.pow(10000, Double(i) / Double(dimension))
                t.data[p * dimension + i] = Float(Foundation.sin(angle))
                if i + 1 < dimension { t.data[p * dimension + i + 1] = Float(Foundation.cos(angle)) }
            }
        }
        table = Table(tensor: t)
    }

    public var maxLength: Int { table.tensor.shape[0] }

    /// Rows for `positions` laid out as `shape` → [..., dimension] (no gradient).
    public func callAsFunction(_ positions: [Int32], shape: [Int]) -> Tensor {
        table.tensor.gatherRows(positions, shape: shape)
    }
}

/// Learned absolute positions (BERT's and GPT-2's): an embedding of the position index.
public typealias LearnedPositions = Embedding

/// Position ids [B·T] for a batch: `offset`, …, `offset + T − 1` in every row.
public func positionIds(batch: Int, length: Int, offset: Int = 0) -> [Int32] {
    var ids = [Int32](repeating: 0, count: batch * length)
    for b in 0..<batch { for t in 0..<length { ids[b * length + t] = Int32(offset + t) } }
    return ids
}
