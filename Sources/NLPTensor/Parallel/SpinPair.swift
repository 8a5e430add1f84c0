import Dispatch
import Foundation
import Synchronization

/// The calling thread and one persistent worker thread running a job side by side, meeting at
/// barriers that spin on atomics. A two-thread token step of a small GPT meets about sixteen
/// times in some tens of microseconds, a recurrent layer once a time step; a Dispatch parallel
/// region costs several microseconds a call (and its idle workers' sched_yield calls were a fifth
/// of an LSTM step's profile), more than the work between two meetings.
///
/// A waiting thread spins a bounded number of times and then yields its core (`sched_yield`) at
/// every further check, so that when the other thread has lost its core (to another process, or
/// to this thread) the waiter does not hold its own core for long. Between jobs the worker keeps
/// spinning (and yielding) for up to a millisecond — the next token usually comes much sooner —
/// then sleeps on a semaphore until the next job. The owner calls `stop()` when done with it.
public final class SpinPair: @unchecked Sendable {
    /// A job: each thread calls it with its party, 0 the caller, 1 the worker, and calls
    /// `meet(party)` at the same points (the same number of times) to wait for the other.
    public typealias Job = (_ party: Int) -> Void

    /// Spins of a wait before each further check also yields the core (well under a microsecond).
    /// Short, because on a loaded machine the scheduler often puts both threads on one core, where
    /// spinning only delays the other thread: measured there (taskset to one core), the step took
    /// 300 µs with 8,192 spins, 205 with 512, 193 with 128 (one thread: 150); with the threads on
    /// two cores, short spins cost nothing measurable (yielding to no one returns at once).
    static let spinsBeforeYield = 256
    /// How long the idle worker polls for the next job before it sleeps.
    static let idlePollNanoseconds: UInt64 = 1_000_000

    /// Jobs posted so far; the worker runs each one it has not seen.
    private let posted = Atomic<Int>(0)
    /// Meetings each party has reached (a meeting is passed when the other has reached it too).
    private let callerMeetings = Atomic<Int>(0), workerMeetings = Atomic<Int>(0)
    /// The worker is asleep on `wakeup` (or about to be); whoever clears the flag owns the signal.
    private let parked = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let wakeup = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
    /// The current job: written by the caller before it posts, read by the worker after it sees the post.
    private var job: Job?

    public init() {
        let thread = Thread { [self] in work() }   // the thread keeps the pair alive until stop()
        thread.name = "NLPKit two-thread step"
        thread.start()
    }

    /// Runs `job` on both threads and returns when both have finished it.
    public func run(_ job: @escaping Job) {
        self.job = job
        post()
        job(0)
        meet(0)
        self.job = nil   // the job may hold its owner, which stops this pair when it goes
    }

    /// Waits until the other party has reached the same meeting: writes made before `meet` by
    /// either thread are visible to both after it.
    @inline(__always)
    public func meet(_ party: Int) {
        if party == 0 { Self.meet(callerMeetings, waitingFor: workerMeetings) } else { Self.meet(workerMeetings, waitingFor: callerMeetings) }
    }

    /// Ends the worker thread (after any job in flight) and waits until it has.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        post()
        finished.wait()
    }

    @inline(__always)
    private static func meet(_ mine: borrowing Atomic<Int>, waitingFor other: borrowing Atomic<Int>) {
        let meeting = mine.load(ordering: .relaxed) &+ 1
        mine.store(meeting, ordering: .releasing)
        var spins = 0
        while other.load(ordering: .acquiring) < meeting {
            spins &+= 1
            if spins >= spinsBeforeYield { sched_yield() }
        }
    }

    private func post() {
        posted.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if parked.exchange(false, ordering: .sequentiallyConsistent) { wakeup.signal() }
    }

    private func work() {
        var seen = 0
        while true {
            seen = nextJob(after: seen)
            if stopping.load(ordering: .acquiring) { break }
            // The job is let go before the last meeting: a caller running a non-escaping closure
            // through `withoutActuallyEscaping` checks, once `run` returns, that no one holds it.
            do {
                let body = job!
                body(1)
            }
            meet(1)
        }
        finished.signal()
    }

    /// Waits for a post after the `seen`-th; returns the new count.
    private func nextJob(after seen: Int) -> Int {
        var spins = 0, deadline: UInt64 = 0
        while true {
            let count = posted.load(ordering: .acquiring)
            if count != seen { return count }
            spins &+= 1
            if spins < Self.spinsBeforeYield { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            if deadline == 0 { deadline = now + Self.idlePollNanoseconds } else if now >= deadline { break }
            sched_yield()
        }
        while true {
            // The poster increments `posted`, then takes the flag; the worker sets the flag, then
            // reads `posted` (all sequentially consistent): one of the two sees the other's write.
            parked.store(true, ordering: .sequentiallyConsistent)
            let count = posted.load(ordering: .sequentiallyConsistent)
            if count != seen {
                // Posted meanwhile: take the flag back, or consume the signal the poster sent on taking it.
                if !parked.exchange(false, ordering: .sequentiallyConsistent) { wakeup.wait() }
                return count
            }
            wakeup.wait()
        }
    }
}
