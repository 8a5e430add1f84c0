import Dispatch
import Synchronization

extension Parallelism {
    /// Runs `body(part, step)` for parts 0 and 1 side by side, step after step: both parts finish
    /// step s before either starts s + 1 (writes of step s are visible to both in s + 1).
    ///
    /// Why: a recurrent layer's time steps each need the whole previous state, so its two halves
    /// meet once a step — 64 to 128 meetings a layer, each around the work of a few tens of
    /// microseconds. The meetings are spin barriers of one shared `SpinPair`; when it is in use
    /// (another thread got there first, or `body` itself steps in lockstep) each step is a Dispatch
    /// region instead.
    public static func lockstep(steps: Int, _ body: (_ part: Int, _ step: Int) -> Void) {
        guard steps > 0 else { return }
        guard SharedSpinPair.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for s in 0..<steps { DispatchQueue.concurrentPerform(iterations: 2) { body($0, s) } }
            return
        }
        defer { SharedSpinPair.busy.store(false, ordering: .releasing) }
        let pair = SharedSpinPair.pair
        withoutActuallyEscaping(body) { body in
            pair.run { party in
                for s in 0..<steps {
                    body(party, s)
                    pair.meet(party)
                }
            }
        }
    }
}

/// The process's one spin pair for `lockstep` (its worker sleeps when idle) and who holds it.
private enum SharedSpinPair {
    static let pair = SpinPair()
    static let busy = Atomic<Bool>(false)
}
