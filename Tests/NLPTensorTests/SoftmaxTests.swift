import XCTest
import Foundation
@testable import NLPTensor

final class SoftmaxTests: XCTestCase {
    func testForward() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
        let y = x.softmax()
        let e = [1, 2, 3].map { Foundation.exp(Float($0 - 3)) }, s = e.reduce(0, +)
        assertClose(y.scalars, e.map { $0 / s } + [1.0 / 3, 1.0 / 3, 1.0 / 3])
        assertClose(x.logSoftmax().scalars, y.scalars.map { Foundation.log($0) }, tolerance: 1e-5)
    }

    func testScaleAndMask() {
        let x = Tensor(shape: [2, 2, 3], scalars: [1, 2, 3, 4, 5, 6, 1, 1, 1, 2, 2, 2])
        let mask = Tensor(shape: [2, 1, 3], scalars: [0, 0, -.infinity, 0, -.infinity, -.infinity])
        let y = x.softmax(scale: 0.5, mask: mask)
        let a = Foundation.exp(Float(0.5)), b = Foundation.exp(Float(1))
        assertClose(Array(y.scalars[0..<3]), [a / (a + b), b / (a + b), 0])
        assertClose(Array(y.scalars[6..<12]), [1, 0, 0, 1, 0, 0])
        XCTAssertEqual(Tensor.causalMask(3).scalars, [0, -.infinity, -.infinity, 0, 0, -.infinity, 0, 0, 0])
        // A fully masked row is zero, not NaN.
        let all = x.softmax(mask: Tensor(shape: [3], repeating: -.infinity))
        XCTAssertEqual(all.scalars, [Float](repeating: 0, count: 12))
    }

    func testGradients() {
        let x = GradientCheck.random([3, 2, 5], seed: 1, low: -2, high: 2)
        GradientCheck.check([x]) { $0[0].softmax() }
        GradientCheck.check([x]) { $0[0].logSoftmax() }
        let mask = Tensor(shape: [2, 5], scalars: [0, 0, -1e9, 0, 0, 0, -1e9, 0, 0, 0])
        GradientCheck.check([x]) { $0[0].softmax(scale: 0.7, mask: mask) }
        GradientCheck.check([x]) { $0[0].softmax(scale: -0.5) }
        GradientCheck.check([x]) { $0[0].softmax(scale: 0.3) }
    }
}
