import ArgumentParser
import NLPKit

/// Options every subcommand shares. `--threads` sets both the BLAS thread count and our own parallel
/// loops, so the two never oversubscribe the cores.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Threads for BLAS and parallel loops (default: all cores).")
    var threads: Int?

    func apply() throws {
        if let threads {
            guard threads >= 1 && threads <= 1024 else {
                throw ValidationError("--threads must be between 1 and 1024, got \(threads)")
            }
            Parallelism.setThreads(threads)
        }
    }
}
