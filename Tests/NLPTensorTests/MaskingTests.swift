import XCTest
@testable import NLPTensor

final class MaskingTests: XCTestCase {
    func testMaskedFill() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let causal = Tensor(shape: [3], scalars: [0, 0, 1])
        XCTAssertEqual(x.maskedFill(causal, with: -9).scalars, [1, 2, -9, 4, 5, -9])
        let g = GradientCheck.random([2, 3, 3], seed: 1)
        let mask = Tensor(shape: [3, 3], scalars: [0, 1, 1, 0, 0, 1, 0, 0, 0])
        GradientCheck.check([g]) { $0[0].maskedFill(mask, with: -1e4) }
    }

    func testDropout() {
        let x = Tensor(shape: [10_000], repeating: 1, requiresGrad: true)
        let y = x.dropout(probability: 0.25, generator: RandomGenerator(seed: 7))
        let kept = y.scalars.filter { $0 != 0 }
        XCTAssertEqual(Float(kept.count) / 10_000, 0.75, accuracy: 0.02)
        XCTAssertTrue(kept.allSatisfy { abs($0 - 4.0 / 3.0) < 1e-6 })
        y.sum().backward()
        XCTAssertEqual(x.grad!.scalars, y.scalars, "the gradient is the same mask")
        // Same seed, same mask; evaluation is the identity.
        XCTAssertEqual(x.dropout(probability: 0.25, generator: RandomGenerator(seed: 7)).scalars, y.scalars)
        XCTAssertTrue(x.dropout(probability: 0.25, training: false) === x)
    }

    func testDropoutGradient() {
        // A fresh generator with the same seed draws the same mask on every evaluation.
        let x = GradientCheck.random([4, 6], seed: 2)
        GradientCheck.check([x]) { $0[0].dropout(probability: 0.3, generator: RandomGenerator(seed: 11)) }
    }

    func testDropoutMaskIndependentOfThreads() {
        let x = Tensor(shape: [200_000], repeating: 1)
        let two = x.dropout(probability: 0.1, generator: RandomGenerator(seed: 3)).scalars
        let before = Parallelism.threads
        Parallelism.setThreads(1)
        defer { Parallelism.setThreads(before) }
        XCTAssertEqual(x.dropout(probability: 0.1, generator: RandomGenerator(seed: 3)).scalars, two)
    }
}
