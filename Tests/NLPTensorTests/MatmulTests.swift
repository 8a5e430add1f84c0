import XCTest
@testable import NLPTensor

final class MatmulTests: XCTestCase {
    /// A plain triple loop, the reference for the BLAS path.
    private func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> [Float] {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k {
            out[i * n + j] += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j])
        } } }
        return out
    }

    func testTwoDimensionalWithTransposes() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = GradientCheck.random(ta ? [4, 3] : [3, 4], seed: 1)
            let b = GradientCheck.random(tb ? [5, 4] : [4, 5], seed: 2)
            let c = a.matmul(b, transposeA: ta, transposeB: tb)
            XCTAssertEqual(c.shape, [3, 5])
            assertClose(c.scalars, naive(a, b, ta, tb), tolerance: 1e-5, "ta \(ta) tb \(tb)")
            GradientCheck.check([a, b]) { $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testBatched() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = GradientCheck.random(ta ? [2, 3, 4, 3] : [2, 3, 3, 4], seed: 3)
            let b = GradientCheck.random(tb ? [2, 3, 5, 4] : [2, 3, 4, 5], seed: 4)
            let c = a.matmul(b, transposeA: ta, transposeB: tb)
            XCTAssertEqual(c.shape, [2, 3, 3, 5])
            // Matrix (1, 2) of the batch against the 2-D reference.
            let sa = a.reshaped([6] + Array(a.shape.suffix(2))).slice(axis: 0, 5..<6).reshaped(Array(a.shape.suffix(2)))
            let sb = b.reshaped([6] + Array(b.shape.suffix(2))).slice(axis: 0, 5..<6).reshaped(Array(b.shape.suffix(2)))
            let last = c.reshaped([6, 15]).slice(axis: 0, 5..<6)
            assertClose(last.scalars, naive(sa, sb, ta, tb), tolerance: 1e-5)
            GradientCheck.check([a, b]) { $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testSharedOperands() {
        // [..., M, K]·[K, N] folds into one product; [M, K]·[B, K, N] shares A across the batch.
        for ta in [false, true] {
            let a = GradientCheck.random(ta ? [2, 4, 3] : [2, 3, 4], seed: 5), w = GradientCheck.random([4, 5], seed: 6)
            XCTAssertEqual(a.matmul(w, transposeA: ta).shape, [2, 3, 5])
            GradientCheck.check([a, w]) { $0[0].matmul($0[1], transposeA: ta) }
            GradientCheck.check([a, w]) { $0[1].matmul($0[0], transposeA: true, transposeB: !ta) }
        }
        let left = GradientCheck.random([3, 4], seed: 7), batch = GradientCheck.random([2, 4, 5], seed: 8)
        XCTAssertEqual(left.matmul(batch).shape, [2, 3, 5])
        GradientCheck.check([left, batch]) { $0[0].matmul($0[1]) }
    }

    func testLinear() {
        let x = GradientCheck.random([2, 3, 4], seed: 9), w = GradientCheck.random([5, 4], seed: 10)
        let b = GradientCheck.random([5], seed: 11)
        let fused = x.linear(weight: w, bias: b)
        let composed = x.matmul(w, transposeB: true) + b
        assertClose(fused.scalars, composed.scalars)
        GradientCheck.check([x, w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        GradientCheck.check([x, w]) { $0[0].linear(weight: $0[1]) }
    }

    func testLargeBatchOfSmallProductsMatchesSerial() {
        // 48 products of 64×32·32×64 run in parallel over the batch.
        let q = Tensor.normal([48, 64, 32], generator: RandomGenerator(seed: 1))
        let k = Tensor.normal([48, 64, 32], generator: RandomGenerator(seed: 2))
        let scores = q.matmul(k, transposeB: true)
        let i = 37
        let qi = q.slice(axis: 0, i..<(i + 1)).reshaped([64, 32]), ki = k.slice(axis: 0, i..<(i + 1)).reshaped([64, 32])
        let one = qi.matmul(ki, transposeB: true)
        XCTAssertEqual(scores.slice(axis: 0, i..<(i + 1)).scalars, one.scalars)
    }
}
