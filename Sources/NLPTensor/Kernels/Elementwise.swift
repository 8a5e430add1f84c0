/// Elementwise loops over raw buffers, parallel over contiguous chunks above
/// `Parallelism.minimumParallelWork`. `cost` is a rough count of float operations per element
/// (exp ≈ 16), so heavier maps go parallel at smaller sizes. The closures are inlined into the
/// loops, which the compiler vectorizes (release builds target AVX2+FMA).
public enum Kernels {
    /// `y[i] += x[i]`.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        Parallelism.forEachChunk(of: count) { range in
            for i in range { y[i] += x[i] }
        }
    }

    /// `y[i] = f(x[i])`, or `y[i] += f(x[i])` when `accumulate`.
    @inline(__always)
    public static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                           cost: Int = 1, accumulate: Bool = false, _ f: (Float) -> Float) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate {
                for i in range { y[i] += f(x[i]) }
            } else {
                for i in range { y[i] = f(x[i]) }
            }
        }
    }

    /// `y[i] = f(a[i], b[i])`, or `y[i] += f(a[i], b[i])` when `accumulate`.
    @inline(__always)
    public static func zip(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           count: Int, cost: Int = 1, accumulate: Bool = false, _ f: (Float, Float) -> Float) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate {
                for i in range { y[i] += f(a[i], b[i]) }
            } else {
                for i in range { y[i] = f(a[i], b[i]) }
            }
        }
    }

    /// `y[i] = f(a[i], b[i], c[i])`, or `+=` when `accumulate`.
    @inline(__always)
    public static func zip3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                            _ y: UnsafeMutablePointer<Float>, count: Int, cost: Int = 1, accumulate: Bool = false,
                            _ f: (Float, Float, Float) -> Float) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate {
                for i in range { y[i] += f(a[i], b[i], c[i]) }
            } else {
                for i in range { y[i] = f(a[i], b[i], c[i]) }
            }
        }
    }

    /// Sum of `x[0..<count]` (pairwise over blocks of 8 lanes for accuracy and speed).
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    /// Largest of `x[0..<count]` (count > 0).
    @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            acc = pointwiseMax(acc, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        var m = acc.max()
        while i < count { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    /// Σ a[i]·b[i].
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            acc = acc.addingProduct(va, vb)
            i += 8
        }
        var s = acc.sum()
        while i < count { s = s.addingProduct(a[i], b[i]); i += 1 }
        return s
    }
}
