import XCTest
@testable import NLPTensor

final class ResidualProjectionTests: XCTestCase {
    func testEqualsProjectionPlusResidual() {
        let x = GradientCheck.random([2, 3, 4], seed: 1), r = GradientCheck.random([2, 3, 5], seed: 7)
        let b = GradientCheck.random([5], seed: 3)
        let w = GradientCheck.random([4, 5], seed: 2), wt = GradientCheck.random([5, 4], seed: 8)
        assertClose(x.affine(weight: w, bias: b, adding: r).scalars, (x.affine(weight: w, bias: b) + r).scalars, tolerance: 1e-6)
        assertClose(x.affine(weight: w, adding: r).scalars, (x.affine(weight: w) + r).scalars, tolerance: 1e-6)
        assertClose(x.linear(weight: wt, bias: b, adding: r).scalars, (x.linear(weight: wt, bias: b) + r).scalars, tolerance: 1e-6)
        assertClose(x.linear(weight: wt, adding: r).scalars, (x.linear(weight: wt) + r).scalars, tolerance: 1e-6)
    }

    func testGradients() {
        let inputs = [GradientCheck.random([3, 4], seed: 4), GradientCheck.random([4, 2], seed: 5),
                      GradientCheck.random([3, 2], seed: 9), GradientCheck.random([2], seed: 6)]
        GradientCheck.check(inputs) { x in x[0].affine(weight: x[1], bias: x[3], adding: x[2]) }
        GradientCheck.check(Array(inputs.prefix(3))) { x in x[0].affine(weight: x[1], adding: x[2]) }
        let linearInputs = [GradientCheck.random([3, 4], seed: 10), GradientCheck.random([2, 4], seed: 11),
                            GradientCheck.random([3, 2], seed: 12), GradientCheck.random([2], seed: 13)]
        GradientCheck.check(linearInputs) { x in x[0].linear(weight: x[1], bias: x[3], adding: x[2]) }
        // The residual is the input itself (a square projection added to its own input).
        let square = [GradientCheck.random([3, 4], seed: 14), GradientCheck.random([4, 4], seed: 15)]
        GradientCheck.check(square) { x in x[0].affine(weight: x[1], adding: x[0]) }
    }
}
