/// The element types of the safetensors format (`dtype` in the header).
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", f16 = "F16", bf16 = "BF16"
    case u32 = "U32", i32 = "I32", f32 = "F32", u64 = "U64", i64 = "I64", f64 = "F64"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
        case .u16, .i16, .f16, .bf16: return 2
        case .u32, .i32, .f32: return 4
        case .u64, .i64, .f64: return 8
        }
    }

    /// Whether `SafetensorsFile.tensor(named:)` can turn it into Float32.
    public var convertsToFloat: Bool { self != .f8e4m3 && self != .f8e5m2 }

    public var isInteger: Bool { [.bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64].contains(self) }
}

/// Element conversions to Float32 (little-endian source bytes, possibly unaligned).
enum DTypeConversion {
    /// IEEE half → single, including subnormals, infinities and NaN.
    @inline(__always)
    static func float(fromHalf h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
        if exponent == 0 {
            // ±0 or subnormal: mantissa · 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }

    /// Converts `count` elements of `dtype` at `source` into `y`.
    static func convert(_ source: UnsafeRawPointer, dtype: SafetensorsDType, count: Int, into y: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32: UnsafeMutableRawPointer(y).copyMemory(from: source, byteCount: count * 4)
        case .f16: for i in 0..<count { y[i] = float(fromHalf: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .bf16: for i in 0..<count { y[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
        case .f64: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
        case .bool, .u8: for i in 0..<count { y[i] = Float(source.load(fromByteOffset: i, as: UInt8.self)) }
        case .i8: for i in 0..<count { y[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
        case .u16: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .i16: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
        case .u32: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        case .i32: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        case .u64: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
        case .i64: for i in 0..<count { y[i] = Float(source.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
        case .f8e4m3, .f8e5m2: preconditionFailure("no Float32 conversion for \(dtype.rawValue)")
        }
    }

    /// Integer elements as Int (nil for a non-integer dtype).
    static func integers(_ source: UnsafeRawPointer, dtype: SafetensorsDType, count: Int) -> [Int]? {
        func load<T: BinaryInteger>(_ type: T.Type) -> [Int] {
            (0..<count).map { Int(truncatingIfNeeded: source.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
        switch dtype {
        case .bool, .u8: return load(UInt8.self)
        case .i8: return load(Int8.self)
        case .u16: return load(UInt16.self)
        case .i16: return load(Int16.self)
        case .u32: return load(UInt32.self)
        case .i32: return load(Int32.self)
        case .u64: return load(UInt64.self)
        case .i64: return load(Int64.self)
        default: return nil
        }
    }
}
