import XCTest
@testable import NLPTensor

final class ArithmeticTests: XCTestCase {
    func testBroadcastForward() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let row = Tensor(shape: [3], scalars: [10, 20, 30])
        let column = Tensor(shape: [2, 1], scalars: [100, 200])
        XCTAssertEqual((a + row).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a * column).scalars, [100, 200, 300, 800, 1000, 1200])
        XCTAssertEqual((row - a).scalars, [9, 18, 27, 6, 15, 24])
        XCTAssertEqual((column + row).shape, [2, 3])
        XCTAssertEqual((column + row).scalars, [110, 120, 130, 210, 220, 230])
        XCTAssertEqual((a / Tensor(2)).scalars, [0.5, 1, 1.5, 2, 2.5, 3])
        XCTAssertEqual((2 - a).scalars, [1, 0, -1, -2, -3, -4])
        XCTAssertEqual((6 / a).scalars, [6, 3, 2, 1.5, 1.2, 1])
        XCTAssertEqual((-a).scalars, [-1, -2, -3, -4, -5, -6])
        // A middle dimension stretched: [2, 1, 2] against [2, 3, 2].
        let m = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let full = Tensor(shape: [2, 3, 2], repeating: 1)
        XCTAssertEqual((full * m).scalars, [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4])
    }

    func testBroadcastLargeParallelMatchesSerial() {
        // Above the parallel threshold the chunked loops must give the same answer.
        let a = Tensor.uniform([64, 300, 8], generator: RandomGenerator(seed: 1))
        let b = Tensor.uniform([300, 1], generator: RandomGenerator(seed: 2))
        let out = a * b
        for (i, j, k) in [(0, 0, 0), (63, 299, 7), (10, 123, 4)] {
            XCTAssertEqual(out[i, j, k], a[i, j, k] * b[j, 0])
        }
    }

    func testGradients() {
        let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([2, 3, 4], [3, 1]), ([2, 1, 4], [3, 1]), ([3, 4], [])]
        for (sa, sb) in shapes {
            let a = GradientCheck.random(sa, seed: 1), b = GradientCheck.random(sb, seed: 2, low: 0.5, high: 1.5)
            GradientCheck.check([a, b]) { $0[0] + $0[1] }
            GradientCheck.check([a, b]) { $0[0] - $0[1] }
            GradientCheck.check([a, b]) { $0[0] * $0[1] }
            GradientCheck.check([a, b]) { $0[0] / $0[1] }
            GradientCheck.check([a, b]) { $0[1] - $0[0] }
        }
    }

    func testScalarGradients() {
        let a = GradientCheck.random([3, 5], seed: 3, low: 0.5, high: 2)
        GradientCheck.check([a]) { $0[0] * 3 + 1 }
        GradientCheck.check([a]) { 2 - $0[0] / 4 }
        GradientCheck.check([a]) { 1 / $0[0] }
        GradientCheck.check([a]) { -$0[0] }
        GradientCheck.check([a]) { $0[0].scaled(by: 0.5, adding: 2) }
    }

    func testSameTensorOnBothSidesAccumulates() {
        let a = Tensor(shape: [2], scalars: [3, 4], requiresGrad: true)
        (a * a + a).sum().backward()
        XCTAssertEqual(a.grad?.scalars, [7, 9])
    }
}
