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
