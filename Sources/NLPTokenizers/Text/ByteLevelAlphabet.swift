/// GPT-2's byte-level alphabet: each of the 256 byte values stands for a printable character
/// (printable Latin-1 bytes for themselves, the others for U+0100…U+0143), so that any byte string
/// is a string of vocabulary characters.
public enum ByteLevelAlphabet {
    /// The character for each byte.
    static let characters: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = 256 + n
                n += 1
            }
        }
        return table
    }()

    /// The UTF-8 of each byte's character.
    static let utf8: [[UInt8]] = characters.map { c in
        var bytes: [UInt8] = []
        UTF8Scalars.append(c, to: &bytes)
        return bytes
    }

    /// The byte each alphabet character stands for (-1 for other characters), for characters < 0x144.
    static let bytes: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (b, c) in characters.enumerated() { table[Int(c)] = Int16(b) }
        return table
    }()

    @inline(__always)
    static func character(for byte: UInt8) -> UInt32 { characters[Int(byte)] }

    /// The alphabet's 256 characters, as strings (a trainer's initial alphabet).
    public static var all: [String] { utf8.map { String(decoding: $0, as: UTF8.self) } }

    /// Raw bytes written in the alphabet.
    public static func encode(_ raw: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count * 2)
        for b in raw { out.append(contentsOf: utf8[Int(b)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes a string of alphabet characters stands for; nil if it holds another character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in text.unicodeScalars {
            let v = Int(s.value)
            guard v < bytes.count, bytes[v] >= 0 else { return nil }
            out.append(UInt8(bytes[v]))
        }
        return out
    }
}
