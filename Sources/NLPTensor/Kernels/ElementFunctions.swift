// Elementwise functions as small structs. The parallel loops in `Kernels` are generic over these
// protocols, so each loop is specialized for its function and vectorizes. (A closure passed into
// a parallel region stays an indirect call per element: about 10× slower on the same loop.)

public protocol UnaryFunction {
    func callAsFunction(_ x: Float) -> Float
}

public protocol BinaryFunction {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

public protocol TernaryFunction {
    func callAsFunction(_ a: Float, _ b: Float, _ c: Float) -> Float
}

/// An elementwise function with its backward: `gradient(g, v)` = g · f′, where v is the output
/// y when `derivativeUsesOutput` (e^x, tanh, sigmoid), else the input x (GELU, ReLU).
public protocol Activation: UnaryFunction {
    static var derivativeUsesOutput: Bool { get }
    func gradient(_ g: Float, _ v: Float) -> Float
    /// f(x) and f′(x) together (for activations whose derivative reads x, computed once where they
    /// share terms).
    func valueAndDerivative(_ x: Float) -> (value: Float, derivative: Float)
}

extension Activation {
    @inlinable @inline(__always)
    public func valueAndDerivative(_ x: Float) -> (value: Float, derivative: Float) { (self(x), gradient(1, x)) }
}

/// An activation's `gradient` as a binary function for the `Kernels` loops.
public struct ActivationGradient<A: Activation>: BinaryFunction {
    public let activation: A
    public init(_ activation: A) { self.activation = activation }
    @inlinable @inline(__always) public func callAsFunction(_ g: Float, _ v: Float) -> Float { activation.gradient(g, v) }
}

/// The functions the library's ops use (public so new ops can reuse them).
public enum Functions {
    public struct Add: BinaryFunction { public init() {}
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
    public struct Subtract: BinaryFunction { public init() {}
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
    public struct Multiply: BinaryFunction { public init() {}
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
    public struct Divide: BinaryFunction { public init() {}
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
    /// a · scale + shift.
    public struct Affine: UnaryFunction { public let scale: Float, shift: Float
        public init(scale: Float, shift: Float) { self.scale = scale; self.shift = shift }
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { x * scale + shift } }
    /// numerator / x.
    public struct DivideInto: UnaryFunction { public let numerator: Float
        public init(_ numerator: Float) { self.numerator = numerator }
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { numerator / x } }
    /// a · b · scale.
    public struct ScaledProduct: BinaryFunction { public let scale: Float
        public init(_ scale: Float) { self.scale = scale }
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b * scale } }
    /// −a · b / c (the divisor's gradient: −g · y / b).
    public struct NegatedQuotientProduct: TernaryFunction { public init() {}
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float, _ c: Float) -> Float { -a * b / c } }
    /// value where the mask b is non-zero, else a.
    public struct Fill: BinaryFunction { public let value: Float
        public init(_ value: Float) { self.value = value }
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { b != 0 ? value : a } }
    /// (a − b)² .
    public struct SquaredDifference: BinaryFunction { public init() {}
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { let d = a - b; return d * d } }
    /// scale · (a − b) · c.
    public struct ScaledDifferenceProduct: TernaryFunction { public let scale: Float
        public init(_ scale: Float) { self.scale = scale }
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float, _ c: Float) -> Float { scale * (a - b) * c } }
    /// scale · (a − b).
    public struct ScaledDifference: BinaryFunction { public let scale: Float
        public init(_ scale: Float) { self.scale = scale }
        @inlinable @inline(__always) public func callAsFunction(_ a: Float, _ b: Float) -> Float { scale * (a - b) } }

    // Activations: forward f(x) and g · f′ from either the input x or the output y, whichever
    // the derivative needs (the backward reads two arrays, not three).
    public struct Exp: Activation { public init() {}
        public static let derivativeUsesOutput = true
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { FastMath.exp(x) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ y: Float) -> Float { g * y } }
    public struct Tanh: Activation { public init() {}
        public static let derivativeUsesOutput = true
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { FastMath.tanh(x) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }
    public struct Sigmoid: Activation { public init() {}
        public static let derivativeUsesOutput = true
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { FastMath.sigmoid(x) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }
    public struct ReLU: Activation { public init() {}
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { x > 0 ? g : 0 } }
    public struct GELUExact: Activation { public init() {}
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { GELU.exact(x) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { g * GELU.exactDerivative(x) }
        @inlinable @inline(__always) public func valueAndDerivative(_ x: Float) -> (value: Float, derivative: Float) {
            GELU.exactAndDerivative(x)
        } }
    public struct GELUTanh: Activation { public init() {}
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { GELU.tanh(x) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { g * GELU.tanhDerivative(x) }
        @inlinable @inline(__always) public func valueAndDerivative(_ x: Float) -> (value: Float, derivative: Float) {
            GELU.tanhAndDerivative(x)
        } }
    public struct Sqrt: Activation { public init() {}
        public static let derivativeUsesOutput = true
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { FastMath.squareRoot(x) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ y: Float) -> Float { g * 0.5 / y } }
    public struct Square: Activation { public init() {}
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { x * x }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { g * 2 * x } }
    public struct Cube: Activation { public init() {}
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { x * x * x }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { g * 3 * x * x } }
    public struct Reciprocal: Activation { public init() {}
        public static let derivativeUsesOutput = true
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { 1 / x }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ y: Float) -> Float { -g * y * y } }
    public struct Identity: Activation { public init() {}
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { x }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { g } }
    /// x limited to [lower, upper]; the gradient passes where lower ≤ x ≤ upper (as PyTorch's clamp).
    public struct Clamp: Activation {
        public let lower: Float, upper: Float
        public init(lower: Float, upper: Float) { self.lower = lower; self.upper = upper }
        public static let derivativeUsesOutput = false
        @inlinable @inline(__always) public func callAsFunction(_ x: Float) -> Float { Swift.min(Swift.max(x, lower), upper) }
        @inlinable @inline(__always) public func gradient(_ g: Float, _ x: Float) -> Float { x >= lower && x <= upper ? g : 0 } }
}
