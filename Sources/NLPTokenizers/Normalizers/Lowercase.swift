/// Lowercases every character (Rust's full lowercase mapping, as HF: İ becomes i + U+0307).
public struct Lowercase: Normalizer {
    public init() {}
    public var json: JSON { .object(["type": "Lowercase"]) }

    public func normalize(_ text: inout NormalizedString) {
        if text.bytes.allSatisfy({ $0 < 0x80 }) {
            for i in text.bytes.indices where text.bytes[i] >= 0x41 && text.bytes[i] <= 0x5A { text.bytes[i] += 32 }
            return
        }
        text.mapScalars { c, out in UnicodeNormalization.lowercase(c, into: &out) }
    }
}
