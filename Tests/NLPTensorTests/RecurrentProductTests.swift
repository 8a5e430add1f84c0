import XCTest
@testable import NLPTensor

/// The recurrent layer's packed-weight product against sgemm: every lane tile (32, 16, 8), rows
/// that leave a partial panel, depth past one block, strided operands, and both packings (W and Wᵀ).
final class RecurrentProductTests: XCTestCase {
    func check(rows m: Int, depth k: Int, lanes w: Int, transposed: Bool, accumulate: Bool,
               file: StaticString = #filePath, line: UInt = #line) {
        let (ldb, ldc) = (w + 8, w + 16)
        let a = GradientCheck.random([m * k], seed: 31), b = GradientCheck.random([k * ldb], seed: 32)
        let start = GradientCheck.random([m * ldc], seed: 33)
        // transposed: the matrix is stored [k, m] and the product uses its transpose.
        let packed = transposed ? PackedWeight(a.data, rows: m, depth: k, rowStride: 1, depthStride: m)
                                : PackedWeight(a.data, rows: m, depth: k, rowStride: k, depthStride: 1)
        let ours = Tensor(uninitializedShape: [m * ldc]), expected = Tensor(uninitializedShape: [m * ldc])
        ours.data.update(from: start.data, count: m * ldc)
        expected.data.update(from: start.data, count: m * ldc)
        let scratch = Tensor(uninitializedShape: [PackedWeight.depthBlock * w])
        packed.multiply(b.data, ldb: ldb, lanes: w, into: ours.data, ldc: ldc, accumulate: accumulate, scratch: scratch.data)
        sgemm(transposed, false, m, w, k, 1, a.data, transposed ? m : k, b.data, ldb, accumulate ? 1 : 0, expected.data, ldc)
        assertClose(ours.scalars, expected.scalars, tolerance: 1e-4, "rows \(m) depth \(k) lanes \(w)", file: file, line: line)
    }

    func testMatchesSgemm() {
        for (m, k, w) in [(8, 3, 8), (13, 17, 16), (36, 40, 24), (27, 300, 32), (64, 513, 56), (5, 256, 40)] {
            for transposed in [false, true] {
                for accumulate in [false, true] { check(rows: m, depth: k, lanes: w, transposed: transposed, accumulate: accumulate) }
            }
        }
    }
}
