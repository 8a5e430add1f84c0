/// The order in which an epoch visits the examples, cut into batches. Every plan is a pure
/// function of its inputs and the seed, so a resumed run finds the same batches again.
public enum BatchPlan {
    /// A seeded shuffle of `count` examples cut into batches of `batchSize`; a last, smaller batch
    /// is kept unless `dropLast`.
    public static func shuffled(count: Int, batchSize: Int, seed: UInt64, dropLast: Bool = false) -> [[Int]] {
        var order = Array(0..<count)
        var generator = SplitMix64(seed: seed)
        shuffle(&order, &generator)
        return cut(order, batchSize: batchSize, dropLast: dropLast)
    }

    /// Batches of examples of similar length (Hugging Face's `group_by_length`): the shuffled
    /// examples are taken in mega-batches of `groupBatches` batches, each sorted by length and cut,
    /// and the batches are shuffled again. Padding shrinks with little loss of randomness.
    public static func lengthGrouped(lengths: [Int], batchSize: Int, seed: UInt64, groupBatches: Int = 50) -> [[Int]] {
        var order = Array(lengths.indices)
        var generator = SplitMix64(seed: seed)
        shuffle(&order, &generator)
        var batches: [[Int]] = []
        let group = batchSize * max(1, groupBatches)
        for start in stride(from: 0, to: order.count, by: group) {
            let sorted = order[start..<min(start + group, order.count)].sorted { (lengths[$0], $0) > (lengths[$1], $1) }
            batches += cut(sorted, batchSize: batchSize, dropLast: false)
        }
        // The longest batch first (as HF does) finds out-of-memory early; the rest shuffled.
        if let longest = batches.indices.max(by: { lengths[batches[$0][0]] < lengths[batches[$1][0]] }) {
            batches.swapAt(0, longest)
            var rest = Array(batches.dropFirst())
            shuffle(&rest, &generator)
            batches = [batches[0]] + rest
        }
        return batches
    }

    /// Fisher–Yates with SplitMix64 (independent of the standard library's shuffle).
    public static func shuffle<T>(_ items: inout [T], _ generator: inout SplitMix64) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
    }

    static func cut(_ order: [Int], batchSize: Int, dropLast: Bool) -> [[Int]] {
        precondition(batchSize > 0, "batch size \(batchSize)")
        var out: [[Int]] = []
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let end = min(start + batchSize, order.count)
            if dropLast && end - start < batchSize { break }
            out.append(Array(order[start..<end]))
        }
        return out
    }
}
