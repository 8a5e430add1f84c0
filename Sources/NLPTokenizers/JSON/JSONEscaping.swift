/// JSON string literals as serde_json (and so HF tokenizers) writes them: only `"`, `\` and control
/// characters are escaped, so non-ASCII text stays readable. The one escaper for every JSON the
/// toolkit writes above the tensor layer (tokenizer.json, `nlp tokenize --format json`, reports).
public enum JSONEscaping {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string literal.
    public static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
            case 0..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hexDigits[Int(b >> 4)])
                bytes.append(hexDigits[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    /// `s` as a quoted JSON string literal.
    public static func quoted(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
