import Dispatch

extension Parallelism {
    /// Below this many elements of work a loop runs on the calling thread: a parallel region costs
    /// a few microseconds, which is what ~64 K floats of simple arithmetic take on one core.
    public static let minimumParallelWork = 1 << 16

    /// Runs `body` over `0..<count` split into at most `threads` contiguous ranges, in parallel when
    /// `count * costPerItem` reaches `minimumParallelWork` (cost in "float operations" per item).
    /// Chunk boundaries depend only on `count` and the thread count, so results that combine
    /// per-chunk partial values are the same from run to run.
    @inline(__always)
    public static func forEachChunk(of count: Int, costPerItem: Int = 1,
                                    _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(for: count, costPerItem: costPerItem)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body(chunkRange(c, of: chunks, count: count))
        }
    }

    /// How many chunks `forEachChunk` uses for this work (1 means it runs inline).
    @inline(__always)
    public static func chunkCount(for count: Int, costPerItem: Int = 1) -> Int {
        let t = threads
        if t <= 1 || count < 2 || count &* costPerItem < minimumParallelWork { return 1 }
        return min(t, count)
    }

    /// The `chunk`-th of `chunks` near-equal contiguous ranges of `0..<count`.
    @inline(__always)
    public static func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks, extra = count % chunks
        let start = chunk * base + min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }
}
