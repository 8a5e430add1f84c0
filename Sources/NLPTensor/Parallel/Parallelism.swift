import CBLAS
import Dispatch
import Foundation

/// The one thread-count setting of the toolkit: OpenBLAS's threads and our own parallel loops.
///
/// Work is parallelised at one level only: a loop that runs BLAS calls on several threads at once
/// asks for `withSingleThreadedBLAS`, so the cores are never oversubscribed.
public enum Parallelism {
    nonisolated(unsafe) private static var current = ProcessInfo.processInfo.activeProcessorCount

    /// The number of threads in use (default: all cores).
    public static var threads: Int { current }

    /// Sets the thread count for BLAS and for our parallel loops.
    public static func setThreads(_ count: Int) {
        BLASRuntime.prepare()
        current = max(1, count)
        openblas_set_num_threads(Int32(current))
    }
}
