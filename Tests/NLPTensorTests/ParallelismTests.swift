import XCTest
@testable import NLPTensor

final class ParallelismTests: XCTestCase {
    func testSetThreads() {
        let before = Parallelism.threads
        Parallelism.setThreads(1)
        XCTAssertEqual(Parallelism.threads, 1)
        Parallelism.setThreads(before)
        XCTAssertEqual(Parallelism.threads, before)
    }
}
