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

    mutating func writeString(_ s: String) { JSONEscaping.appendQuoted(s, to: &bytes) }
}
