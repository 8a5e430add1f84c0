import Foundation

/// Hands out the indices 0, 1, 2, … to worker threads, each index once: workers that take the
/// next batch when done with one finish together even when batches differ in cost.
public final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    public init() {}

    /// The next index, or nil once `limit` are handed out.
    public func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
