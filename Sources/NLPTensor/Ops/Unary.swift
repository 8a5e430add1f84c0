import Foundation

// Elementwise functions. Each backward multiplies the incoming gradient by the derivative,
// computed from the input x and the output y (whichever is cheaper).

/// The two GELU forms: the exact one with erf (BERT) and the tanh approximation (GPT-2).
public enum GELUApproximation: Sendable {
    case none
    case tanh
}

extension Tensor {
    /// `y = f(x)` elementwise with `f`'s own backward (see `Activation`). `cost` ≈ float ops per
    /// element. This generic form is the fast one: its loops vectorize.
    @inline(__always)
    @inlinable
    public func mapped<F: Activation>(_ op: StaticString, cost: Int = 1, _ f: F) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Kernels.map(data, out.data, count: count, cost: cost, f)
        if Tensor.isRecording(self) {
            out.record(op, inputs: [self]) { [self] out, g in
                let v = F.derivativeUsesOutput ? out.data : data
                updateGrad(overwriting: g, of: out) { ga, acc in
                    if ga == g.data {
                        Kernels.update(ga, with: v, count: count, cost: cost, ActivationGradient(f))
                    } else {
                        Kernels.zip(g.data, v, ga, count: count, cost: cost, accumulate: acc, ActivationGradient(f))
                    }
                }
            }
        }
        return out
    }

    /// `mapped` for activations whose derivative is about as costly as the function (GELU): in
    /// training the forward also computes f′(x), from the same x (the shared terms computed once),
    /// and keeps it instead of x, so the backward is one multiply (done in the output gradient's
    /// own buffer when it can).
    @inline(__always)
    @inlinable
    public func mappedKeepingDerivative<F: Activation>(_ op: StaticString, cost: Int = 1, _ f: F) -> Tensor {
        guard Tensor.isRecording(self), !F.derivativeUsesOutput else { return mapped(op, cost: cost, f) }
        let out = Tensor(uninitializedShape: shape)
        let derivative = Tensor(uninitializedShape: shape)
        let x = data, y = out.data, d = derivative.data
        Parallelism.forEachChunk(of: count, costPerItem: 2 * cost) { range in
            for i in range {
                let (value, slope) = f.valueAndDerivative(x[i])
                y[i] = value
                d[i] = slope
            }
        }
        out.record(op, inputs: [self]) { [self] out, g in
            updateGrad(overwriting: g, of: out) { ga, acc in
                if ga == g.data {
                    Kernels.update(ga, with: derivative.data, count: count, Functions.Multiply())
                } else {
                    Kernels.zip(g.data, derivative.data, ga, count: count, accumulate: acc, Functions.Multiply())
                }
            }
        }
        return out
    }

    /// `y = f(x)` with backward `g · derivative(x, y)`, from closures (convenient, not vectorized
    /// in parallel regions: see `Kernels`).
    public func mapped(_ op: StaticString, cost: Int = 1, _ f: (Float) -> Float,
                       derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Kernels.map(data, out.data, count: count, cost: cost, f)
        if Tensor.isRecording(self) {
            out.record(op, inputs: [self]) { [self] out, g in
                updateGrad { ga, acc in
                    Kernels.zip3(g.data, data, out.data, ga, count: count, cost: cost, accumulate: acc) {
                        $0 * derivative($1, $2)
                    }
                }
            }
        }
        return out
    }

    public func exp() -> Tensor { mapped("exp", cost: 16, Functions.Exp()) }

    public func log() -> Tensor {
        mapped("log", cost: 16, { Foundation.log($0) }, derivative: { x, _ in 1 / x })
    }

    public func sqrt() -> Tensor { mapped("sqrt", cost: 4, Functions.Sqrt()) }

    /// Each element raised to `exponent` (1, 2, 3, 0.5 and -1 take exact fast paths).
    public func pow(_ exponent: Float) -> Tensor {
        switch exponent {
        case 1: return mapped("pow", Functions.Identity())
        case 2: return mapped("pow", Functions.Square())
        case 3: return mapped("pow", Functions.Cube())
        case 0.5: return sqrt()
        case -1: return mapped("pow", cost: 4, Functions.Reciprocal())
        default:
            return mapped("pow", cost: 32, { Foundation.pow($0, exponent) },
                          derivative: { x, _ in exponent * Foundation.pow(x, exponent - 1) })
        }
    }

    public func tanh() -> Tensor { mapped("tanh", cost: 16, Functions.Tanh()) }

    public func sigmoid() -> Tensor { mapped("sigmoid", cost: 16, Functions.Sigmoid()) }

    public func relu() -> Tensor { mapped("relu", Functions.ReLU()) }

    /// Each element limited to [lower, upper] (either bound may be infinite).
    public func clamped(lower: Float = -.infinity, upper: Float = .infinity) -> Tensor {
        precondition(lower <= upper, "clamp bounds \(lower) > \(upper)")
        return mapped("clamp", Functions.Clamp(lower: lower, upper: upper))
    }

    /// Gaussian error linear unit: x·Φ(x) with `.none` (erf), or the tanh approximation.
    public func gelu(approximation: GELUApproximation = .none) -> Tensor {
        switch approximation {
        case .none: return mappedKeepingDerivative("gelu", cost: 24, Functions.GELUExact())
        case .tanh: return mappedKeepingDerivative("gelu tanh", cost: 24, Functions.GELUTanh())
        }
    }
}

/// The GELU formulas and their derivatives, scalar and inlinable into vector loops.
///
/// The exact form uses `FastMath.erf`'s rational approximation with its constants folded in: for
/// c = x clamped to ±4√2 (where erf(x/√2) is ±1 in Float), ½·erf(x/√2) = c·P(c²)/Q(c²), so
/// GELU(x) = ½x + x·c·P/Q and its derivative Φ(x) + x·φ(x) = ½ + c·P/Q + x·φ(x). These loops run
/// out of vector arithmetic ports before memory on AVX-512, so every operation saved counts.
public enum GELU {
    /// ½·erf(x/√2), branch-free (Eigen's erf approximation with the scalings folded in; comparisons
    /// written as selects that lower to single min/max instructions).
    @inlinable @inline(__always)
    public static func halfErf(_ x: Float) -> Float {
        let above = x > -5.656854249492381 ? x : -5.656854249492381
        let c = above < 5.656854249492381 ? above : 5.656854249492381
        let c2 = c * c
        var p: Float = -1.505995060250189e-12
        p = Float(3.061199412650202e-10).addingProduct(p, c2)
        p = Float(-4.642651039253875e-08).addingProduct(p, c2)
        p = Float(-2.515756170991271e-06).addingProduct(p, c2)
        p = Float(-6.496460735158676e-05).addingProduct(p, c2)
        p = Float(-5.223043900778214e-04).addingProduct(p, c2)
        p = Float(-5.690807157595012e-03).addingProduct(p, c2)
        var q: Float = -9.103794904062250e-07
        q = Float(-2.667175690986312e-05).addingProduct(q, c2)
        q = Float(-4.207067435955075e-04).addingProduct(q, c2)
        q = Float(-3.686664583602340e-03).addingProduct(q, c2)
        q = Float(-1.426473905141890e-02).addingProduct(q, c2)
        // The rational slightly overshoots ±½ at the clamp; limiting it makes GELU exactly 0 (and
        // x) far out, where an error of 6e-8 in ½·erf would grow with |x|.
        let r = c * p / q
        let low = r > -0.5 ? r : -0.5
        return low < 0.5 ? low : 0.5
    }

    /// x·Φ(x) = ½x(1 + erf(x/√2)).
    @inlinable @inline(__always)
    public static func exact(_ x: Float) -> Float {
        (0.5 * x).addingProduct(x, halfErf(x))
    }

    /// Φ(x) + x·φ(x).
    @inlinable @inline(__always)
    public static func exactDerivative(_ x: Float) -> Float {
        let density = x * 0.39894228040143268 * FastMath.exp(-0.5 * x * x)
        return (0.5 + halfErf(x)) + density
    }

    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let u = 0.79788456080286536 * x.addingProduct(0.044715 * x * x, x)
        let half = 0.5 * x
        return half.addingProduct(half, FastMath.tanh(u))
    }

    /// `exact` and `exactDerivative` sharing ½·erf(x/√2) (the same values as the two calls).
    @inlinable @inline(__always)
    public static func exactAndDerivative(_ x: Float) -> (value: Float, derivative: Float) {
        let h = halfErf(x)
        let density = x * 0.39894228040143268 * FastMath.exp(-0.5 * x * x)
        return ((0.5 * x).addingProduct(x, h), (0.5 + h) + density)
    }

    /// `tanh` and `tanhDerivative` sharing the tanh (the value is `tanh`'s; the derivative uses
    /// its u, within an ulp of `tanhDerivative`'s).
    @inlinable @inline(__always)
    public static func tanhAndDerivative(_ x: Float) -> (value: Float, derivative: Float) {
        let x2 = x * x
        let u = 0.79788456080286536 * x.addingProduct(0.044715 * x * x, x)
        let t = FastMath.tanh(u)
        let du = 0.79788456080286536 * Float(1).addingProduct(3 * 0.044715, x2)
        let half = 0.5 * x
        return (half.addingProduct(half, t), Float(0.5).addingProduct(0.5, t) + half * (1 - t * t) * du)
    }

    @inlinable @inline(__always)
    public static func tanhDerivative(_ x: Float) -> Float {
        let x2 = x * x
        let u = 0.79788456080286536 * x.addingProduct(0.044715 * x2, x)
        let t = FastMath.tanh(u)
        let du = 0.79788456080286536 * Float(1).addingProduct(3 * 0.044715, x2)
        let half = 0.5 * x
        return Float(0.5).addingProduct(0.5, t) + half * (1 - t * t) * du
    }
}
