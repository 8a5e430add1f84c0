import XCTest
@testable import NLPTensor

final class GatherTests: XCTestCase {
    func testLookup() {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let rows = table.gatherRows([2, 0, 2, 1] as [Int32], shape: [2, 2])
        XCTAssertEqual(rows.shape, [2, 2, 2])
        XCTAssertEqual(rows.scalars, [20, 21, 0, 1, 20, 21, 10, 11])
    }

    func testRepeatedIdsAccumulate() {
        let table = Tensor(shape: [3, 2], repeating: 0, requiresGrad: true)
        let rows = table.gatherRows([2, 0, 2] as [Int])
        (rows * Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])).sum().backward()
        XCTAssertEqual(table.grad?.scalars, [3, 4, 0, 0, 6, 8])
    }

    func testGradient() {
        let table = GradientCheck.random([5, 3], seed: 1)
        GradientCheck.check([table]) { $0[0].gatherRows([4, 1, 1, 0, 4, 4] as [Int32], shape: [2, 3]) }
    }
}
