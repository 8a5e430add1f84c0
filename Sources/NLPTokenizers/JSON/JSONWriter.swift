/// Writes JSON text: pretty (two-space indent, as HF tokenizers saves with `pretty=True`) or compact.
/// Numbers that are whole print without a fraction; strings escape only what JSON requires, so
/// non-ASCII text stays readable.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    let pretty: Bool

    init(pretty: Bool) { self.pretty = pretty }

    static func string(_ value: JSON, pretty: Bool = true) -> String {
        var w = JSONWriter(pretty: pretty)
        w.write(value, indent: 0)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private mutating func newline(_ indent: Int) {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<indent { bytes.append(0x20); bytes.append(0x20) }
    }

    private mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func write(_ value: JSON, indent: Int) {
        switch value {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .number(let d): writeNumber(d)
        case .string(let s): writeString(s)
        case .array(let items):
            if items.isEmpty { raw("[]"); return }
            bytes.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(item, indent: indent + 1)
            }
            newline(indent)
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.entries.isEmpty { raw("{}"); return }
            bytes.append(UInt8(ascii: "{"))
            for (k, entry) in object.entries.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(entry.key)
                bytes.append(UInt8(ascii: ":"))
                if pretty { bytes.append(0x20) }
                write(entry.value, indent: indent + 1)
            }
            newline(indent)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeNumber(_ d: Double) {
        if d.isFinite && d == d.rounded() && abs(d) < 1e15 {
            raw(String(Int64(d)))
        } else if d.isFinite {
            raw("\(d)")
        } else {
            raw("null")
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func writeString(_ s: String) {
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
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(JSONWriter.hexDigits[Int(b >> 4)])
                bytes.append(JSONWriter.hexDigits[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }
}
