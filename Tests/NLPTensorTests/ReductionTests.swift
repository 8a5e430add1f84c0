import XCTest
@testable import NLPTensor

final class ReductionTests: XCTestCase {
    func testForward() {
        let x = Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        XCTAssertEqual(x.sum().scalar, 21)
        XCTAssertEqual(x.mean().scalar, 3.5)
        XCTAssertEqual(x.sum(axis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(x.sum(axis: -1).scalars, [9, 12])
        XCTAssertEqual(x.sum(axis: 1, keepingDimension: true).shape, [2, 1])
        XCTAssertEqual(x.mean(axis: 0).scalars, [2.5, 3.5, 4.5])
        XCTAssertEqual(x.max(axis: 1).scalars, [5, 6])
        XCTAssertEqual(x.max(axis: 0).scalars, [4, 5, 6])
        XCTAssertEqual(x.argmax(), [1, 2])
    }

    func testGradients() {
        let x = GradientCheck.random([3, 4, 5], seed: 2)
        GradientCheck.check([x]) { $0[0].sum() }
        GradientCheck.check([x]) { $0[0].mean() }
        for axis in 0..<3 {
            GradientCheck.check([x]) { $0[0].sum(axis: axis) }
            GradientCheck.check([x]) { $0[0].mean(axis: axis, keepingDimension: true) }
            // Distinct values 0.1 apart, so the finite-difference step never swaps a maximum.
            let spaced = Tensor(shape: [3, 4, 5], scalars: RandomGenerator(seed: 3).permutation(60).map { Float($0) / 10 },
                                requiresGrad: true)
            GradientCheck.check([spaced]) { $0[0].max(axis: axis) }
        }
    }
}
