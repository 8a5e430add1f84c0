import XCTest
@testable import NLPTensor

final class FusedAffineTests: XCTestCase {
    func testAffineEqualsMatmulPlusBias() {
        let x = GradientCheck.random([2, 3, 4], seed: 1), w = GradientCheck.random([4, 5], seed: 2)
        let b = GradientCheck.random([5], seed: 3)
        assertClose(x.affine(weight: w, bias: b).scalars, (x.matmul(w) + b).scalars, tolerance: 1e-6)
        XCTAssertEqual(x.affine(weight: w).shape, [2, 3, 5])
    }

    func testAffineGradients() {
        let inputs = [GradientCheck.random([3, 4], seed: 4), GradientCheck.random([4, 2], seed: 5), GradientCheck.random([2], seed: 6)]
        GradientCheck.check(inputs) { x in x[0].affine(weight: x[1], bias: x[2]) }
        GradientCheck.check(Array(inputs.prefix(2))) { x in x[0].affine(weight: x[1]) }
    }
}
