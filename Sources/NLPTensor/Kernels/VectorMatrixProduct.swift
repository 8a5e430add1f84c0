extension Kernels {
    /// `y[j] (+)= Σₖ x[k]·W[k, j]` for the columns `columns` of W [rows, width] (row-major), the
    /// product of one activation row with a weight matrix stored [in, out] (GPT-2's Conv1D).
    /// Blocks of 32 columns are accumulated in registers over all rows, so W is read once and y
    /// written once: at batch 1 the product is bound by reading W, and this reads it at the
    /// memory's pace (sgemv and sgemm with M = 1 in OpenBLAS 0.3.21 are slower on these shapes).
    public static func vectorMatrixProduct(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows: Int, width: Int,
                                           columns: Range<Int>, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var j = columns.lowerBound
        while j + 32 <= columns.upperBound {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var p = w + j
            for k in 0..<rows {
                let s = SIMD8<Float>(repeating: x[k])
                a0 = a0.addingProduct(s, load(p))
                a1 = a1.addingProduct(s, load(p + 8))
                a2 = a2.addingProduct(s, load(p + 16))
                a3 = a3.addingProduct(s, load(p + 24))
                p += width
            }
            store(a0, y + j, accumulate)
            store(a1, y + j + 8, accumulate)
            store(a2, y + j + 16, accumulate)
            store(a3, y + j + 24, accumulate)
            j += 32
        }
        while j + 8 <= columns.upperBound {
            var a = SIMD8<Float>()
            var p = w + j
            for k in 0..<rows {
                a = a.addingProduct(SIMD8<Float>(repeating: x[k]), load(p))
                p += width
            }
            store(a, y + j, accumulate)
            j += 8
        }
        while j < columns.upperBound {
            var s: Float = 0
            for k in 0..<rows { s = s.addingProduct(x[k], w[k * width + j]) }
            y[j] = accumulate ? y[j] + s : s
            j += 1
        }
    }

    @inline(__always)
    private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
        let value = accumulate ? v + load(p) : v
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
