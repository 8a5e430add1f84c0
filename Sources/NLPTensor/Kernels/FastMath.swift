/// Branch-free Float32 approximations of exp, tanh and erf, written so that loops over them
/// vectorize (libm calls do not): range reduction and polynomials with fused multiply-adds, and
/// integer tricks on bit patterns instead of Float→Int conversions (which trap on overflow and
/// block vectorizing). Accuracy is checked in FastMathTests against libm over the whole range.
public enum FastMath {
    /// e^x (Cephes' expf polynomial, ≤ 2 ulp); 0 below -87.3 (so e^-inf = 0), e^88.3 above 88.3.
    @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let c = Swift.min(Swift.max(x, -87.3), 88.3)
        // t = 1.5·2²³ + round(c / ln 2): the low mantissa bits of t hold the integer n.
        let t = Float(12582912).addingProduct(c, 1.44269504088896341)
        let n = t - 12582912
        var r = c.addingProduct(n, -0.693359375)          // c - n·ln 2 in two parts (Cody–Waite)
        r = r.addingProduct(n, 2.12194440e-4)
        var p: Float = 1.9875691500e-4
        p = Float(1.3981999507e-3).addingProduct(p, r)
        p = Float(8.3334519073e-3).addingProduct(p, r)
        p = Float(4.1665795894e-2).addingProduct(p, r)
        p = Float(1.6666665459e-1).addingProduct(p, r)
        p = Float(5.0000001201e-1).addingProduct(p, r)
        let y = (r + 1).addingProduct(p * r, r)           // 1 + r + r²·p(r)
        let scale = Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)   // 2^n
        return x < -87.3 ? 0 : y * scale
    }

    /// tanh x (Eigen's rational approximation on [-7.9, 7.9]; ±1 beyond; x itself near 0).
    @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let c = Swift.min(Swift.max(x, -7.90531110763549805), 7.90531110763549805)
        let c2 = c * c
        var p: Float = -2.76076847742355e-16
        p = Float(2.00018790482477e-13).addingProduct(p, c2)
        p = Float(-8.60467152213735e-11).addingProduct(p, c2)
        p = Float(5.12229709037114e-08).addingProduct(p, c2)
        p = Float(1.48572235717979e-05).addingProduct(p, c2)
        p = Float(6.37261928875436e-04).addingProduct(p, c2)
        p = Float(4.89352455891786e-03).addingProduct(p, c2)
        p *= c
        var q: Float = 1.19825839466702e-06
        q = Float(1.18534705686654e-04).addingProduct(q, c2)
        q = Float(2.26843463243900e-03).addingProduct(q, c2)
        q = Float(4.89352518554385e-03).addingProduct(q, c2)
        let y = p / q
        return abs(x) < 0.0004 ? x : y
    }

    /// erf x (Eigen's rational approximation on [-4, 4]; ±1 beyond).
    @inline(__always)
    public static func erf(_ x: Float) -> Float {
        let c = Swift.min(Swift.max(x, -4), 4)
        let c2 = c * c
        var p: Float = -2.72614225801306e-10
        p = Float(2.77068142495902e-08).addingProduct(p, c2)
        p = Float(-2.10102402082508e-06).addingProduct(p, c2)
        p = Float(-5.69250639462346e-05).addingProduct(p, c2)
        p = Float(-7.34990630326855e-04).addingProduct(p, c2)
        p = Float(-2.95459980854025e-03).addingProduct(p, c2)
        p = Float(-1.60960333262415e-02).addingProduct(p, c2)
        p *= c
        var q: Float = -1.45660718464996e-05
        q = Float(-2.13374055278905e-04).addingProduct(q, c2)
        q = Float(-1.68282697438203e-03).addingProduct(q, c2)
        q = Float(-7.37332916720468e-03).addingProduct(q, c2)
        q = Float(-1.42647390514189e-02).addingProduct(q, c2)
        return p / q
    }

    /// √x that vectorizes. `Float.squareRoot()` lowers to libm's `sqrtf` with its errno path for
    /// negative inputs, a conditional call that keeps every loop containing it scalar; this is
    /// 1/√x from the bit-pattern estimate refined by three Newton steps, times x (≤ 2 ulp for
    /// normal inputs; 0 → 0, +inf → +inf, negative → NaN). Inlinable: the AdamW update in
    /// NLPTraining calls it per element, and a cross-module call would keep that loop scalar.
    @inlinable @inline(__always)
    public static func squareRoot(_ x: Float) -> Float {
        let half = 0.5 * x
        var y = Float(bitPattern: 0x5F37_5A86 &- (x.bitPattern >> 1))
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        let root = x * y
        return x < .infinity ? (x >= 0 ? root : .nan) : x
    }

    /// 1 / (1 + e^-x).
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        1 / (1 + exp(-x))
    }
}
