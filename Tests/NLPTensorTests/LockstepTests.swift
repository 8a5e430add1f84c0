import XCTest
@testable import NLPTensor

final class LockstepTests: XCTestCase {
    /// Each part's step reads what both parts wrote in the step before (the barrier's guarantee),
    /// on the spin pair and, nested, on the Dispatch fallback.
    func testStepsSeeTheOtherPartsWrites() {
        func run(steps: Int) -> [Int] {
            // Two buffers of both parts' values: step s reads buffer s % 2 and writes the other.
            let values = UnsafeMutablePointer<Int>.allocate(capacity: 4)
            defer { values.deallocate() }
            values.initialize(repeating: 0, count: 4)
            Parallelism.lockstep(steps: steps) { part, step in
                let read = values + 2 * (step % 2), write = values + 2 * (1 - step % 2)
                write[part] = read[0] + read[1] + 1
            }
            let last = values + 2 * (steps % 2)
            return [last[0], last[1]]
        }
        // values after s steps: v(s) = 2 v(s−1) + 1 from v(0) = 0, the same in both parts.
        let steps = 20, expected = (1 << steps) - 1
        for _ in 0..<50 { XCTAssertEqual(run(steps: steps), [expected, expected]) }
        var nested: [Int] = []
        Parallelism.lockstep(steps: 1) { part, _ in if part == 0 { nested = run(steps: steps) } }
        XCTAssertEqual(nested, [expected, expected])
    }
}
