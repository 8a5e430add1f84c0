// FastMath's exp, tanh and sigmoid on eight lanes at once, with the same range reductions and
// polynomials (so a lane gives FastMath's result), for kernels whose loops the compiler does not
// vectorize on its own (the recurrent cells, with a dozen streams per loop).

typealias Lanes = SIMD8<Float>

enum VectorMath {
    // Transparent (exp, tanh, sigmoid): `@inline(__always)` left them out-of-line calls in the
    // attention softmax and the LSTM cell loops (lanes then go through memory at every call).
    @_transparent
    static func exp(_ x: Lanes) -> Lanes {
        let c = clamp(x, -87.3, 88.3)
        let t = Lanes(repeating: 12582912).addingProduct(c, Lanes(repeating: 1.44269504088896341))
        let n = t - 12582912
        var r = c.addingProduct(n, Lanes(repeating: -0.693359375))
        r = r.addingProduct(n, Lanes(repeating: 2.12194440e-4))
        var p = Lanes(repeating: 1.9875691500e-4)
        p = Lanes(repeating: 1.3981999507e-3).addingProduct(p, r)
        p = Lanes(repeating: 8.3334519073e-3).addingProduct(p, r)
        p = Lanes(repeating: 4.1665795894e-2).addingProduct(p, r)
        p = Lanes(repeating: 1.6666665459e-1).addingProduct(p, r)
        p = Lanes(repeating: 5.0000001201e-1).addingProduct(p, r)
        let y = (r + 1).addingProduct(p * r, r)
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(bits &<< 23, to: Lanes.self)
        return (y * scale).replacing(with: 0, where: x .< -87.3)
    }

    @_transparent
    static func tanh(_ x: Lanes) -> Lanes {
        let c = clamp(x, -7.90531110763549805, 7.90531110763549805)
        let c2 = c * c
        var p = Lanes(repeating: -2.76076847742355e-16)
        p = Lanes(repeating: 2.00018790482477e-13).addingProduct(p, c2)
        p = Lanes(repeating: -8.60467152213735e-11).addingProduct(p, c2)
        p = Lanes(repeating: 5.12229709037114e-08).addingProduct(p, c2)
        p = Lanes(repeating: 1.48572235717979e-05).addingProduct(p, c2)
        p = Lanes(repeating: 6.37261928875436e-04).addingProduct(p, c2)
        p = Lanes(repeating: 4.89352455891786e-03).addingProduct(p, c2)
        p *= c
        var q = Lanes(repeating: 1.19825839466702e-06)
        q = Lanes(repeating: 1.18534705686654e-04).addingProduct(q, c2)
        q = Lanes(repeating: 2.26843463243900e-03).addingProduct(q, c2)
        q = Lanes(repeating: 4.89352518554385e-03).addingProduct(q, c2)
        let y = p / q
        let tiny = (x .< 0.0004) .& (x .> -0.0004)
        return y.replacing(with: x, where: tiny)
    }

    /// x limited to [low, high] (blends; the generic pointwiseMin/Max are not always inlined).
    @inline(__always)
    static func clamp(_ x: Lanes, _ low: Float, _ high: Float) -> Lanes {
        x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    @_transparent
    static func sigmoid(_ x: Lanes) -> Lanes { 1 / (1 + exp(-x)) }

    /// Eight floats from p (any alignment).
    /// The largest lane (a blend tree: the generic `max()` is a call).
    @inline(__always)
    static func maximum(_ x: Lanes) -> Float {
        let four = x.lowHalf.replacing(with: x.highHalf, where: x.highHalf .> x.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return two[1] > two[0] ? two[1] : two[0]
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    /// Eight floats to p (any alignment).
    @inline(__always)
    static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
