/// Elementwise loops over raw buffers, parallel over contiguous chunks above
/// `Parallelism.minimumParallelWork`. `cost` is a rough count of float operations per element
/// (exp ≈ 16), so heavier maps go parallel at smaller sizes. The loops are generic over the
/// function structs of `ElementFunctions.swift` and vectorize (release builds target AVX2+FMA);
/// the closure overloads are for convenience and cold paths (see the note there).
public enum Kernels {
    /// `y[i] += x[i]`.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        Parallelism.forEachChunk(of: count) { range in
            for i in range { y[i] += x[i] }
        }
    }

    /// `y[i] = f(x[i])`, or `y[i] += f(x[i])` when `accumulate`.
    @inlinable @inline(__always)
    public static func map<F: UnaryFunction>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                                             cost: Int = 1, accumulate: Bool = false, _ f: F) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate {
                for i in range { y[i] += f(x[i]) }
            } else {
                for i in range { y[i] = f(x[i]) }
            }
        }
    }

    /// `y[i] = f(a[i], b[i])`, or `y[i] += f(a[i], b[i])` when `accumulate`.
    @inlinable @inline(__always)
    public static func zip<F: BinaryFunction>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                              count: Int, cost: Int = 1, accumulate: Bool = false, _ f: F) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate {
                for i in range { y[i] += f(a[i], b[i]) }
            } else {
                for i in range { y[i] = f(a[i], b[i]) }
            }
        }
    }

    /// `y[i] = f(y[i], b[i])` in place (one pointer read and written, so the loop vectorizes; `zip`
    /// with `a` = `y` would fail its overlap check and run scalar).
    @inlinable @inline(__always)
    public static func update<F: BinaryFunction>(_ y: UnsafeMutablePointer<Float>, with b: UnsafePointer<Float>,
                                                 count: Int, cost: Int = 1, _ f: F) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            for i in range { y[i] = f(y[i], b[i]) }
        }
    }

    /// `y[i] = f(a[i], b[i], c[i])`, or `+=` when `accumulate`.
    @inlinable @inline(__always)
    public static func zip3<F: TernaryFunction>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                                _ y: UnsafeMutablePointer<Float>, count: Int, cost: Int = 1,
                                                accumulate: Bool = false, _ f: F) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate {
                for i in range { y[i] += f(a[i], b[i], c[i]) }
            } else {
                for i in range { y[i] = f(a[i], b[i], c[i]) }
            }
        }
    }

    // Closure forms. Correct and parallel, but a closure inside a parallel region is called
    // indirectly per element and does not vectorize (about 10× slower than the generic forms on a
    // large tensor); prefer a function struct for anything hot.

    public static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                           cost: Int = 1, accumulate: Bool = false, _ f: (Float) -> Float) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate { for i in range { y[i] += f(x[i]) } } else { for i in range { y[i] = f(x[i]) } }
        }
    }

    public static func zip(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           count: Int, cost: Int = 1, accumulate: Bool = false, _ f: (Float, Float) -> Float) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate { for i in range { y[i] += f(a[i], b[i]) } } else { for i in range { y[i] = f(a[i], b[i]) } }
        }
    }

    public static func zip3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                            _ y: UnsafeMutablePointer<Float>, count: Int, cost: Int = 1, accumulate: Bool = false,
                            _ f: (Float, Float, Float) -> Float) {
        Parallelism.forEachChunk(of: count, costPerItem: cost) { range in
            if accumulate { for i in range { y[i] += f(a[i], b[i], c[i]) } } else { for i in range { y[i] = f(a[i], b[i], c[i]) } }
        }
    }

    // Row reductions: explicit 8-lane SIMD accumulators (a scalar `s += x[i]` loop cannot be
    // vectorized without reassociating, which Swift does not allow), four of them so that the
    // adds do not wait on each other's latency.

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Sum of `x[0..<count]`.
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i + 32 <= count {
            a0 += load(x + i); a1 += load(x + i + 8); a2 += load(x + i + 16); a3 += load(x + i + 24)
            i += 32
        }
        while i + 8 <= count { a0 += load(x + i); i += 8 }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    /// Σ (x[i] − c)².
    @inline(__always)
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int, centeredOn c: Float) -> Float {
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
        let vc = SIMD8<Float>(repeating: c)
        var i = 0
        while i + 32 <= count {
            let d0 = load(x + i) - vc, d1 = load(x + i + 8) - vc, d2 = load(x + i + 16) - vc, d3 = load(x + i + 24) - vc
            a0 = a0.addingProduct(d0, d0); a1 = a1.addingProduct(d1, d1)
            a2 = a2.addingProduct(d2, d2); a3 = a3.addingProduct(d3, d3)
            i += 32
        }
        while i + 8 <= count { let d = load(x + i) - vc; a0 = a0.addingProduct(d, d); i += 8 }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < count { let d = x[i] - c; s = s.addingProduct(d, d); i += 1 }
        return s
    }

    /// Largest of `x[0..<count]` (-inf when empty).
    @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, count: Int) -> Float {
        // Compare-and-blend: `pointwiseMax` is lane by lane (IEEE NaN rules) and 3× slower.
        var a0 = SIMD8<Float>(repeating: -.infinity), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i + 32 <= count {
            let v0 = load(x + i), v1 = load(x + i + 8), v2 = load(x + i + 16), v3 = load(x + i + 24)
            a0.replace(with: v0, where: v0 .> a0); a1.replace(with: v1, where: v1 .> a1)
            a2.replace(with: v2, where: v2 .> a2); a3.replace(with: v3, where: v3 .> a3)
            i += 32
        }
        while i + 8 <= count { let v = load(x + i); a0.replace(with: v, where: v .> a0); i += 8 }
        a0.replace(with: a1, where: a1 .> a0)
        a2.replace(with: a3, where: a3 .> a2)
        a0.replace(with: a2, where: a2 .> a0)
        var m = a0.max()
        while i < count { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    /// Σ a[i]·b[i].
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i + 32 <= count {
            a0 = a0.addingProduct(load(a + i), load(b + i)); a1 = a1.addingProduct(load(a + i + 8), load(b + i + 8))
            a2 = a2.addingProduct(load(a + i + 16), load(b + i + 16)); a3 = a3.addingProduct(load(a + i + 24), load(b + i + 24))
            i += 32
        }
        while i + 8 <= count { a0 = a0.addingProduct(load(a + i), load(b + i)); i += 8 }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < count { s = s.addingProduct(a[i], b[i]); i += 1 }
        return s
    }

    /// Σ a[i]·b[i]·c[i].
    @inline(__always)
    public static func dot3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = a0
        var i = 0
        while i + 16 <= count {
            a0 = a0.addingProduct(load(a + i) * load(b + i), load(c + i))
            a1 = a1.addingProduct(load(a + i + 8) * load(b + i + 8), load(c + i + 8))
            i += 16
        }
        while i + 8 <= count { a0 = a0.addingProduct(load(a + i) * load(b + i), load(c + i)); i += 8 }
        var s = (a0 + a1).sum()
        while i < count { s = s.addingProduct(a[i] * b[i], c[i]); i += 1 }
        return s
    }

    /// y[i] = e^(x[i] − shift), returning Σ y (the softmax numerator and its sum). Two passes over
    /// the row, each of which vectorizes; `y` must not overlap `x` (see `expShiftedInPlace`).
    @inline(__always)
    public static func expShifted(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        for i in 0..<count { y[i] = FastMath.exp(x[i] - shift) }
        return sum(y, count: count)
    }

    /// y[i] = e^(y[i] − shift) in place, returning Σ y. (A separate in-place loop: with `x == y`
    /// the two-pointer form fails its runtime overlap check and runs scalar.)
    @inline(__always)
    public static func expShiftedInPlace(_ y: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        for i in 0..<count { y[i] = FastMath.exp(y[i] - shift) }
        return sum(y, count: count)
    }
}
