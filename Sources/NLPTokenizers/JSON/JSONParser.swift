/// A JSON syntax error, with the line and column where the parser stopped.
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A small, fast JSON parser over UTF-8 bytes (tokenizer.json files hold up to a few hundred thousand
/// strings; this avoids Foundation's boxing of every value).
struct JSONParser {
    private let p: UnsafePointer<UInt8>
    private let n: Int
    private var i = 0
    private var depth = 0

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSON {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(line: 1, column: 1, message: "the file is empty, expected a JSON value")
        }
        var parser = JSONParser(p: base, n: bytes.count)
        if bytes.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { parser.i = 3 }
        let value = try parser.value()
        parser.skipSpace()
        if parser.i < parser.n { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    static func parse(_ text: String) throws -> JSON {
        var text = text
        return try text.withUTF8 { try parse($0) }
    }

    private init(p: UnsafePointer<UInt8>, n: Int) {
        self.p = p
        self.n = n
    }

    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1, column = 1
        for k in 0..<min(i, n) {
            if p[k] == 0x0A { line += 1; column = 1 } else if p[k] & 0xC0 != 0x80 { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    @inline(__always)
    private mutating func skipSpace() {
        while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
    }

    private mutating func value() throws -> JSON {
        skipSpace()
        guard i < n else { throw error("unexpected end of file, expected a value") }
        switch p[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character, expected a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard i + count <= n, memcmp(p + i, word.utf8Start, count) == 0 else {
            throw error("unexpected text, expected \(word)")
        }
        i += count
    }

    private mutating func enter() throws {
        depth += 1
        if depth > 512 { throw error("nesting deeper than 512 levels") }
    }

    private mutating func object() throws -> JSON {
        try enter()
        i += 1
        var object = JSONObject()
        skipSpace()
        if i < n && p[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(object) }
        while true {
            skipSpace()
            guard i < n, p[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipSpace()
            guard i < n, p[i] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            i += 1
            object.appendUnchecked(key, try value())
            skipSpace()
            guard i < n else { throw error("unexpected end of file inside an object") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; break }
            throw error("expected ',' or '}' in an object")
        }
        depth -= 1
        return .object(object)
    }

    private mutating func array() throws -> JSON {
        try enter()
        i += 1
        var items: [JSON] = []
        skipSpace()
        if i < n && p[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array(items) }
        while true {
            items.append(try value())
            skipSpace()
            guard i < n else { throw error("unexpected end of file inside an array") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; break }
            throw error("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func string() throws -> String {
        i += 1
        let start = i
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let s = try validated(UnsafeBufferPointer(start: p + start, count: i - start))
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character inside a string") }
            i += 1
        }
        // Slow path: escapes.
        var bytes = Array(UnsafeBufferPointer(start: p + start, count: i - start))
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return try validated(bytes)
            }
            if b < 0x20 { throw error("control character inside a string") }
            if b != UInt8(ascii: "\\") { bytes.append(b); i += 1; continue }
            i += 1
            guard i < n else { break }
            let e = p[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var c = try hex4()
                if c >= 0xD800 && c < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if i + 1 < n && p[i] == UInt8(ascii: "\\") && p[i + 1] == UInt8(ascii: "u") {
                        let save = i
                        i += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                            c = 0xFFFD
                        }
                    } else {
                        c = 0xFFFD
                    }
                } else if c >= 0xDC00 && c < 0xE000 {
                    c = 0xFFFD
                }
                UTF8Scalars.append(c, to: &bytes)
            default:
                i -= 1
                throw error("invalid escape in a string")
            }
        }
        throw error("unexpected end of file inside a string")
    }

    private func validated<C: Collection>(_ bytes: C) throws -> String where C.Element == UInt8 {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        throw error("invalid UTF-8 inside a string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= n else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = p[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func number() throws -> Double {
        let start = i
        var isInteger = true
        if p[i] == UInt8(ascii: "-") { i += 1 }
        var integer: Int64 = 0, digits = 0
        while i < n, p[i] >= 0x30, p[i] <= 0x39 {
            if digits < 18 { integer = integer * 10 + Int64(p[i] - 0x30) }
            digits += 1
            i += 1
        }
        if digits == 0 { throw error("invalid number") }
        if i < n && p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            isInteger = false
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        if isInteger && digits <= 18 {
            return Double(p[start] == UInt8(ascii: "-") ? -integer : integer)
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        guard let v = Double(text) else { throw error("invalid number") }
        return v
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
