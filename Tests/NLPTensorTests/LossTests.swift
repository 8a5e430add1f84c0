import XCTest
import Foundation
@testable import NLPTensor

final class LossTests: XCTestCase {
    func testCrossEntropyValues() {
        let logits = Tensor(shape: [3, 3], scalars: [1, 2, 3, 0, 0, 0, 5, 1, -1])
        let targets: [Int32] = [2, 1, -100]
        func nll(_ row: [Float], _ t: Int) -> Float {
            let lse = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))
            return lse - row[t]
        }
        let expected = (nll([1, 2, 3], 2) + nll([0, 0, 0], 1)) / 2
        XCTAssertEqual(logits.crossEntropy(targets: targets).scalar, expected, accuracy: 1e-6)
        XCTAssertEqual(logits.crossEntropy(targets: targets, reduction: .sum).scalar, expected * 2, accuracy: 1e-5)
        XCTAssertEqual(logits.crossEntropy(targets: targets, reduction: .none).scalars[2], 0)
        // Label smoothing ε: (1 − ε)·nll + ε·mean over classes of −log p.
        let eps: Float = 0.1
        func smoothed(_ row: [Float], _ t: Int) -> Float {
            let lse = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))
            return (1 - eps) * (lse - row[t]) + eps * row.map { lse - $0 }.reduce(0, +) / Float(row.count)
        }
        XCTAssertEqual(logits.crossEntropy(targets: targets, labelSmoothing: eps).scalar,
                       (smoothed([1, 2, 3], 2) + smoothed([0, 0, 0], 1)) / 2, accuracy: 1e-6)
        XCTAssertEqual(logits.crossEntropy(targets: [-100, -100, -100] as [Int32]).scalar, 0)
    }

    func testCrossEntropyGradients() {
        let logits = GradientCheck.random([2, 3, 5], seed: 1, low: -2, high: 2)
        let targets: [Int32] = [4, 0, -100, 2, 2, 1]
        GradientCheck.check([logits]) { $0[0].crossEntropy(targets: targets) }
        GradientCheck.check([logits]) { $0[0].crossEntropy(targets: targets, labelSmoothing: 0.2) }
        GradientCheck.check([logits]) { $0[0].crossEntropy(targets: targets, reduction: .sum) }
        GradientCheck.check([logits]) { $0[0].crossEntropy(targets: targets.map { $0 == -100 ? 3 : $0 }, ignoreIndex: 2, reduction: .none) }
        // Ignored rows get exactly zero gradient.
        logits.grad = nil
        logits.crossEntropy(targets: targets).backward()
        XCTAssertEqual(Array(logits.grad!.scalars[10..<15]), [0, 0, 0, 0, 0])
    }

    func testMeanSquaredError() {
        let x = Tensor(shape: [2], scalars: [1, 3]), t = Tensor(shape: [2], scalars: [0, 1])
        XCTAssertEqual(x.meanSquaredError(t).scalar, 2.5)
        let a = GradientCheck.random([3, 4], seed: 2), b = GradientCheck.random([3, 4], seed: 3)
        GradientCheck.check([a, b]) { $0[0].meanSquaredError($0[1]) }
        GradientCheck.check([a, b]) { $0[0].meanSquaredError($0[1], reduction: .sum) }
        GradientCheck.check([a, b]) { $0[0].meanSquaredError($0[1], reduction: .none) }
    }
}
