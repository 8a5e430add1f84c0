import XCTest
import Foundation
@testable import NLPTensor

final class FastMathTests: XCTestCase {
    private func sweep(_ range: ClosedRange<Float>, steps: Int = 200_000, _ body: (Float) -> Void) {
        let step = (range.upperBound - range.lowerBound) / Float(steps)
        for i in 0...steps { body(range.lowerBound + Float(i) * step) }
    }

    func testExpRelativeError() {
        var worst = 0.0
        sweep(-87...88) { x in
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - exact) / exact)
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(FastMath.exp(-.infinity), 0)
        XCTAssertEqual(FastMath.exp(-100), 0)
        XCTAssertEqual(FastMath.exp(0), 1)
        XCTAssertTrue(FastMath.exp(200).isFinite)
    }

    func testTanhAndErfAbsoluteError() {
        var tanhWorst = 0.0, erfWorst = 0.0
        sweep(-10...10) { x in
            tanhWorst = max(tanhWorst, abs(Double(FastMath.tanh(x)) - Foundation.tanh(Double(x))))
            erfWorst = max(erfWorst, abs(Double(FastMath.erf(x)) - Foundation.erf(Double(x))))
        }
        XCTAssertLessThan(tanhWorst, 5e-7)
        XCTAssertLessThan(erfWorst, 5e-7)
        XCTAssertEqual(FastMath.tanh(1e-5), 1e-5)
        XCTAssertEqual(FastMath.tanh(.infinity), 1, accuracy: 1e-6)
        XCTAssertEqual(FastMath.erf(-.infinity), -1, accuracy: 1e-6)
    }

    /// The GELU formulas against Double references: absolute error over the range where they vary,
    /// and exact limits far out (where a tanh that stops short of ±1 would leave x³-sized errors).
    func testGELUFormulasAgainstDouble() {
        let invSqrt2 = 1 / 2.0.squareRoot(), k = (2 / Double.pi).squareRoot()
        func exact(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.erf(x * invSqrt2)) }
        func exactDerivative(_ x: Double) -> Double {
            0.5 * (1 + Foundation.erf(x * invSqrt2)) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        }
        func tanhForm(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.tanh(k * (x + 0.044715 * x * x * x))) }
        func tanhDerivative(_ x: Double) -> Double {
            let t = Foundation.tanh(k * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        }
        var worst = [0.0, 0.0, 0.0, 0.0]
        sweep(-12...12) { x in
            let d = Double(x)
            // Relative to max(|y|, 1): GELU grows like x, its derivative stays within [-0.17, 1.13].
            worst[0] = max(worst[0], abs(Double(GELU.exact(x)) - exact(d)) / max(abs(exact(d)), 1))
            worst[1] = max(worst[1], abs(Double(GELU.exactDerivative(x)) - exactDerivative(d)))
            worst[2] = max(worst[2], abs(Double(GELU.tanh(x)) - tanhForm(d)) / max(abs(tanhForm(d)), 1))
            worst[3] = max(worst[3], abs(Double(GELU.tanhDerivative(x)) - tanhDerivative(d)))
        }
        XCTAssertLessThan(worst[0], 1e-6, "exact")
        XCTAssertLessThan(worst[1], 5e-7, "exact derivative")
        XCTAssertLessThan(worst[2], 1e-6, "tanh")
        // 1 - tanh² near tanh = ±1 is the difference of Floats one ulp apart, times x·(1 + 0.13x²).
        XCTAssertLessThan(worst[3], 5e-6, "tanh derivative")
        for x: Float in [-1000, -100, -30] {
            XCTAssertEqual(GELU.exact(x), 0, accuracy: 1e-6)
            XCTAssertEqual(GELU.tanh(x), 0, accuracy: 1e-6)
            XCTAssertEqual(GELU.exactDerivative(x), 0, accuracy: 1e-6)
            XCTAssertEqual(GELU.tanhDerivative(x), 0, accuracy: 1e-6)
            XCTAssertEqual(GELU.exact(-x), -x, accuracy: 1e-6 * -x)
            XCTAssertEqual(GELU.tanh(-x), -x, accuracy: 1e-6 * -x)
            XCTAssertEqual(GELU.exactDerivative(-x), 1, accuracy: 1e-6)
            XCTAssertEqual(GELU.tanhDerivative(-x), 1, accuracy: 1e-6)
        }
    }

    func testSquareRoot() {
        var worst: Float = 0
        var x: Float = 1e-30
        while x < 1e30 {
            worst = max(worst, abs(FastMath.squareRoot(x) - x.squareRoot()) / x.squareRoot())
            x *= 1.0007
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(FastMath.squareRoot(0), 0)
        XCTAssertEqual(FastMath.squareRoot(.infinity), .infinity)
        XCTAssertTrue(FastMath.squareRoot(-1).isNaN)
        XCTAssertTrue(FastMath.squareRoot(.nan).isNaN)
    }
}
