import XCTest
@testable import NLPTensor

final class FusedAffineActivationTests: XCTestCase {
    /// The fused op against affine then gelu: values and every gradient bit for bit, on a product
    /// large enough to run in row blocks, on one thread and on two, with and without a bias.
    func testAffineGELUEqualsAffineThenGELU() {
        for threads in [1, 2] {
            let before = Parallelism.threads
            Parallelism.setThreads(threads)
            defer { Parallelism.setThreads(before) }
            for approximation in [GELUApproximation.none, .tanh] {
                for withBias in [true, false] {
                    let x = GradientCheck.random([3, 40, 128], seed: 11, low: -3, high: 3)
                    let w = GradientCheck.random([128, 512], seed: 12, low: -0.2, high: 0.2)
                    let b = GradientCheck.random([512], seed: 13)
                    let upstream = GradientCheck.random([3, 40, 512], seed: 14)
                    func run(_ fused: Bool) -> (out: [Float], grads: [[Float]]) {
                        let (xi, wi, bi) = (x.copy(), w.copy(), b.copy())
                        for t in [xi, wi, bi] { t.requiresGrad = true }
                        let bias = withBias ? bi : nil
                        let y = fused ? xi.affineGELU(weight: wi, bias: bias, approximation: approximation)
                                      : xi.affine(weight: wi, bias: bias).gelu(approximation: approximation)
                        (y * upstream).sum().backward()
                        let grads = ([xi, wi] + (withBias ? [bi] : [])).map { $0.grad!.scalars }
                        return (y.scalars, grads)
                    }
                    let (fused, plain) = (run(true), run(false))
                    XCTAssertEqual(fused.out, plain.out, "values, \(threads) threads, \(approximation), bias \(withBias)")
                    XCTAssertEqual(fused.grads, plain.grads, "gradients, \(threads) threads, \(approximation), bias \(withBias)")
                }
            }
        }
    }

    func testAffineGELUGradients() {
        let inputs = [GradientCheck.random([3, 4], seed: 4), GradientCheck.random([4, 6], seed: 5), GradientCheck.random([6], seed: 6)]
        GradientCheck.check(inputs) { x in x[0].affineGELU(weight: x[1], bias: x[2]) }
        GradientCheck.check(Array(inputs.prefix(2))) { x in x[0].affineGELU(weight: x[1], approximation: .tanh) }
    }

    func testAffineGELUWithoutGradientMatches() {
        let x = GradientCheck.random([2, 5, 8], seed: 7), w = GradientCheck.random([8, 16], seed: 8)
        let fused = noGrad { x.affineGELU(weight: w) }
        XCTAssertEqual(fused.scalars, x.affine(weight: w).gelu().scalars)
        XCTAssertNil(fused.node)
    }
}
