import CBLAS
import Dispatch

/// Every matrix product of the toolkit goes through here, to `cblas_sgemm` (row-major).
public enum Gemm {
    /// OpenBLAS runs products with M·N·K at or below this on one thread; a batch of them is
    /// spread over our threads instead.
    static let singleThreadedWork = 65536 * 4

    /// `C = alpha · op(A) · op(B) + beta · C` with op(A) M×K, op(B) K×N, C M×N (row-major).
    /// A is stored M×K (K×M when `transposeA`), B K×N (N×K when `transposeB`).
    @inline(__always)
    public static func multiply(_ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
                                _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                                alpha: Float = 1, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        BLASRuntime.prepare()
        if k == 0 {
            // BLAS would scale C by beta; do the same so an empty product is well defined.
            if beta == 0 { c.update(repeating: 0, count: m * n) } else if beta != 1 {
                for i in 0..<(m * n) { c[i] *= beta }
            }
            return
        }
        if !transposeA && !transposeB, let rows = smallProductRows(m: m, n: n, k: k) {
            // Row blocks of C = A·B, each a product OpenBLAS multiplies without packing.
            var start = 0
            while start < m {
                let count = Swift.min(rows, m - start)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(n), Int32(k), alpha,
                            a + start * k, Int32(k), b, Int32(n), beta, c + start * n, Int32(n))
                start += count
            }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), beta, c, Int32(n))
    }

    /// OpenBLAS's SkylakeX kernels (0.3.16 on) multiply a product of M·N·K ≤ 10⁶ straight from A
    /// and B, with no packing copies and no zeroing pass over C. On one thread a larger A·B (no
    /// transposes) of a small model — GPT's [384 × 128]·[128 × 512] — runs 5–15 % faster as row
    /// blocks of 8·j rows that each qualify, B staying in cache across them. (Products with a
    /// transposed operand gained nothing or lost in the same measurement, so they stay whole.)
    static let smallProductWork = 1_000_000

    /// The rows of each block when A·B should be split (nil: one call).
    @inline(__always)
    static func smallProductRows(m: Int, n: Int, k: Int) -> Int? {
        guard m &* n &* k > smallProductWork, Parallelism.threads == 1, hasSmallProductKernels else { return nil }
        let rows = (smallProductWork / (n * k)) / 8 * 8
        return rows >= 8 ? rows : nil
    }

    static let hasSmallProductKernels: Bool = {
        ["skylakex", "cooperlake", "sapphirerapids"].contains(BLASRuntime.kernelName.lowercased())
    }()

    /// `batch` products C_i = alpha · op(A_i) · op(B_i) + beta · C_i, where operand i starts at
    /// `i * stride` (stride 0 shares one matrix across the batch; C's stride must not be 0).
    /// Small products run in parallel over the batch, one thread of BLAS each.
    public static func multiplyBatched(batch: Int, _ a: UnsafePointer<Float>, strideA: Int, transposeA: Bool,
                                       _ b: UnsafePointer<Float>, strideB: Int, transposeB: Bool,
                                       _ c: UnsafeMutablePointer<Float>, strideC: Int, m: Int, n: Int, k: Int,
                                       alpha: Float = 1, beta: Float = 0) {
        precondition(strideC > 0 || batch <= 1, "batched product into a shared output")
        let chunks = Parallelism.threads > 1 && batch >= 2 && m * n * k <= singleThreadedWork
            ? min(Parallelism.threads, batch) : 1
        if chunks == 1 {
            for i in 0..<batch {
                multiply(a + i * strideA, transposeA: transposeA, b + i * strideB, transposeB: transposeB,
                         c + i * strideC, m: m, n: n, k: k, alpha: alpha, beta: beta)
            }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for i in Parallelism.chunkRange(chunk, of: chunks, count: batch) {
                multiply(a + i * strideA, transposeA: transposeA, b + i * strideB, transposeB: transposeB,
                         c + i * strideC, m: m, n: n, k: k, alpha: alpha, beta: beta)
            }
        }
    }
}
