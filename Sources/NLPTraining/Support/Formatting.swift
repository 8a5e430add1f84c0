import Foundation

/// `x` with exactly `digits` decimals ("0.9150"); NaN and infinities spelled out.
public func formatFixed(_ x: Double, digits: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return String(format: "%.\(digits)f", x)
}

/// A JSON number for `x`: shortest round-trip form; NaN and infinities (not JSON) become null.
public func jsonNumber(_ x: Double) -> String {
    guard x.isFinite else { return "null" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
