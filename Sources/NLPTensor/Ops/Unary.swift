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
    public func mapped<F: Activation>(_ op: StaticString, cost: Int = 1, _ f: F) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Kernels.map(data, out.data, count: count, cost: cost, f)
        if Tensor.isRecording(self) {
            out.record(op, inputs: [self]) { [self] out, g in
                let v = F.derivativeUsesOutput ? out.data : data
                updateGrad { ga, acc in
                    Kernels.zip(g.data, v, ga, count: count, cost: cost, accumulate: acc, ActivationGradient(f))
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
        case .none: return mapped("gelu", cost: 24, Functions.GELUExact())
        case .tanh: return mapped("gelu tanh", cost: 24, Functions.GELUTanh())
        }
    }
}

/// The GELU formulas and their derivatives, scalar and inlinable into vector loops.
public enum GELU {
    static let invSqrt2: Float = 0.70710678118654752
    static let invSqrt2Pi: Float = 0.39894228040143268
    static let sqrt2OverPi: Float = 0.79788456080286536
    static let cubic: Float = 0.044715

    /// x·Φ(x) = ½x(1 + erf(x/√2)).
    @inline(__always)
    public static func exact(_ x: Float) -> Float {
        0.5 * x * (1 + FastMath.erf(x * invSqrt2))
    }

    /// Φ(x) + x·φ(x).
    @inline(__always)
    public static func exactDerivative(_ x: Float) -> Float {
        let cdf = 0.5 * (1 + FastMath.erf(x * invSqrt2))
        return cdf + x * invSqrt2Pi * FastMath.exp(-0.5 * x * x)
    }

    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let u = sqrt2OverPi * x.addingProduct(cubic * x * x, x)
        return 0.5 * x * (1 + FastMath.tanh(u))
    }

    @inline(__always)
    public static func tanhDerivative(_ x: Float) -> Float {
        let u = sqrt2OverPi * x.addingProduct(cubic * x * x, x)
        let t = FastMath.tanh(u)
        let du = sqrt2OverPi * (1 + 3 * cubic * x * x)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
    }
}
