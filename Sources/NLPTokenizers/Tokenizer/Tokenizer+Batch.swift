import Dispatch
import Foundation

extension Tokenizer {
    /// Encodes many texts in parallel (`threads` workers, default all cores); padding applies to
    /// the batch (its longest encoding, or the fixed length).
    public func encodeBatch(_ texts: [String], addSpecialTokens: Bool = true, threads: Int? = nil) -> [Encoding] {
        var out = Tokenizer.parallelMap(count: texts.count, threads: threads) { i, arena in
            encode(texts[i], nil, addSpecialTokens: addSpecialTokens, pad: false, arena: arena)
        }
        padding?.apply(&out)
        return out
    }

    /// Encodes many texts in parallel, each exactly as `encode` would (a fixed padding pads each one;
    /// batch-longest padding leaves them as they are).
    public func encodeEach(_ texts: [String], addSpecialTokens: Bool = true, threads: Int? = nil) -> [Encoding] {
        Tokenizer.parallelMap(count: texts.count, threads: threads) { i, arena in
            encode(texts[i], nil, addSpecialTokens: addSpecialTokens, pad: true, arena: arena)
        }
    }

    /// Encodes many pairs of texts in parallel.
    public func encodeBatch(pairs: [(String, String)], addSpecialTokens: Bool = true, threads: Int? = nil) -> [Encoding] {
        var out = Tokenizer.parallelMap(count: pairs.count, threads: threads) { i, arena in
            encode(pairs[i].0, pairs[i].1, addSpecialTokens: addSpecialTokens, pad: false, arena: arena)
        }
        padding?.apply(&out)
        return out
    }

    /// `body(0..<count)` on `threads` workers that take chunks of indices from a shared counter
    /// (one parallel region for the whole batch, so the pool threads stay busy); each worker gives
    /// `body` its own arena for the encodings' tokens.
    static func parallelMap<T>(count: Int, threads: Int?, _ body: (Int, RecordArena) -> T) -> [T] {
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, count))
        if workers == 1 || count < 2 {
            let arena = RecordArena()
            return (0..<count).map { body($0, arena) }
        }
        // Small chunks: the last one a worker takes ends within ~1% of the others (a chunk of long
        // lines is a lot of text); the shared counter is taken once per chunk.
        let chunk = max(1, min(64, count / (workers * 32)))
        let next = ChunkCounter()
        // The workers write straight into the array's buffer (no second buffer to move out of).
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = UnsafeSendable(buffer.baseAddress!)
            withoutActuallyEscaping(body) { body in
                let work = UnsafeSendable(body)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    let arena = RecordArena()
                    while true {
                        let start = next.take(chunk)
                        if start >= count { break }
                        for i in start..<min(start + chunk, count) { (output.value + i).initialize(to: work.value(i, arena)) }
                    }
                }
            }
            initialized = count
        }
    }
}

/// A shared counter handing out chunk starts to the workers of a parallel loop.
private final class ChunkCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(_ n: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let v = value
        value += n
        return v
    }
}

/// Carries non-Sendable values into a parallel loop whose iterations touch disjoint data.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
