import XCTest
@testable import NLPTensor

final class LayerNormTests: XCTestCase {
    func testForward() {
        let x = Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, -1, 0, 0, 1])
        let w = Tensor(shape: [4], scalars: [1, 2, 1, 1]), b = Tensor(shape: [4], scalars: [0, 0, 1, 0])
        let y = x.layerNorm(weight: w, bias: b, epsilon: 0)
        let s1 = Float(1.25).squareRoot(), s2 = Float(0.5).squareRoot()
        assertClose(y.scalars, [-1.5 / s1, -1 / s1, 0.5 / s1 + 1, 1.5 / s1, -1 / s2, 0, 1, 1 / s2], tolerance: 1e-5)
    }

    func testGradients() {
        let x = GradientCheck.random([3, 2, 6], seed: 1, low: -2, high: 2)
        let w = GradientCheck.random([6], seed: 2, low: 0.5, high: 1.5), b = GradientCheck.random([6], seed: 3)
        GradientCheck.check([x, w, b]) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        GradientCheck.check([x]) { $0[0].layerNorm(weight: nil, bias: nil) }
        GradientCheck.check([x, w]) { $0[0].layerNorm(weight: $0[1], bias: nil) }
    }

    func testParallelRowsMatchSerial() {
        // 512 rows × 384 go parallel; the weight gradient sums chunk partials.
        let x = Tensor.normal([512, 384], generator: RandomGenerator(seed: 4), requiresGrad: true)
        let w = Tensor.normal([384], generator: RandomGenerator(seed: 5), requiresGrad: true)
        let g = Tensor.normal([512, 384], generator: RandomGenerator(seed: 6))
        x.layerNorm(weight: w, bias: nil).backward(g)
        let parallel = w.grad!.scalars
        let before = Parallelism.threads
        Parallelism.setThreads(1)
        defer { Parallelism.setThreads(before) }
        w.grad = nil
        x.layerNorm(weight: w, bias: nil).backward(g)
        assertClose(parallel, w.grad!.scalars, tolerance: 1e-4)
    }
}
