/// Decoding and encoding of Unicode scalars over valid UTF-8 bytes (the text comes from Swift
/// Strings, which are always valid), without going through `Character` or `String`.
enum UTF8Scalars {
    /// The length of the UTF-8 sequence that starts with `lead`.
    @inline(__always)
    static func length(lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead < 0xE0 { return 2 }
        if lead < 0xF0 { return 3 }
        return 4
    }

    /// The scalar starting at `p[i]`, and its length in bytes.
    @inline(__always)
    static func decode(_ p: UnsafePointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F), 4)
    }

    @inline(__always)
    static func width(_ c: UInt32) -> Int {
        c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    }

    /// Appends the UTF-8 encoding of `c`.
    @inline(__always)
    static func append(_ c: UInt32, to bytes: inout [UInt8]) {
        if c < 0x80 {
            bytes.append(UInt8(c))
        } else if c < 0x800 {
            bytes.append(UInt8(0xC0 | c >> 6)); bytes.append(UInt8(0x80 | c & 0x3F))
        } else if c < 0x10000 {
            bytes.append(UInt8(0xE0 | c >> 12)); bytes.append(UInt8(0x80 | (c >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | c & 0x3F))
        } else {
            bytes.append(UInt8(0xF0 | c >> 18)); bytes.append(UInt8(0x80 | (c >> 12) & 0x3F))
            bytes.append(UInt8(0x80 | (c >> 6) & 0x3F)); bytes.append(UInt8(0x80 | c & 0x3F))
        }
    }

    /// Writes the UTF-8 encoding of `c` at `p`; returns its length.
    @inline(__always)
    static func write(_ c: UInt32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if c < 0x80 { p[0] = UInt8(c); return 1 }
        if c < 0x800 { p[0] = UInt8(0xC0 | c >> 6); p[1] = UInt8(0x80 | c & 0x3F); return 2 }
        if c < 0x10000 {
            p[0] = UInt8(0xE0 | c >> 12); p[1] = UInt8(0x80 | (c >> 6) & 0x3F); p[2] = UInt8(0x80 | c & 0x3F)
            return 3
        }
        p[0] = UInt8(0xF0 | c >> 18); p[1] = UInt8(0x80 | (c >> 12) & 0x3F)
        p[2] = UInt8(0x80 | (c >> 6) & 0x3F); p[3] = UInt8(0x80 | c & 0x3F)
        return 4
    }

    /// Scalars of a UTF-8 byte sequence.
    static func scalars<C: Collection>(_ bytes: C) -> [UInt32] where C.Element == UInt8 {
        var out: [UInt32] = []
        var decoder = UTF8()
        var it = bytes.makeIterator()
        while case .scalarValue(let s) = decoder.decode(&it) { out.append(s.value) }
        return out
    }

    /// True if every byte is ASCII (eight at a time).
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        var any: UInt64 = 0
        while i + 8 <= n {
            any |= UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < n { any |= UInt64(p[i]); i += 1 }
        return any & 0x8080_8080_8080_8080 == 0
    }

    /// The number of scalars in `count` bytes of valid UTF-8.
    @inline(__always)
    static func count(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var n = 0
        for i in 0..<count where p[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }
}

extension String {
    /// A String from bytes known to be valid UTF-8 (skips re-validation where the library allows).
    init(validUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}
