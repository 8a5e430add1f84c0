import CICUShim

/// What a Replace normalizer or a Split pre-tokenizer looks for: a literal string or a regular
/// expression (tokenizer.json's `{"String": …}` / `{"Regex": …}`).
public enum Pattern: Equatable, Sendable {
    case string(String)
    case regex(String)

    init(json: JSONField) throws {
        if json.has("String") {
            self = .string(try json.field("String").string())
        } else if json.has("Regex") {
            self = .regex(try json.field("Regex").string())
        } else {
            throw json.fail("{\"String\": …} or {\"Regex\": …}")
        }
    }

    var json: JSON {
        switch self {
        case .string(let s): return .object(["String": .string(s)])
        case .regex(let r): return .object(["Regex": .string(r)])
        }
    }
}

/// A pattern ready to search UTF-8 bytes. Regular expressions run on ICU (HF uses Oniguruma; the
/// one class that differs, `\s`, is rewritten to Oniguruma's set). Safe to share between threads.
final class CompiledPattern: @unchecked Sendable {
    let pattern: Pattern
    private let literal: [UInt8]
    private let regex: OpaquePointer?

    init(_ pattern: Pattern) throws {
        self.pattern = pattern
        switch pattern {
        case .string(let s):
            literal = Array(s.utf8)
            regex = nil
        case .regex(let r):
            literal = []
            let translated = CompiledPattern.icuSyntax(r)
            var err: Int32 = 0, offset: Int32 = 0
            let compiled = translated.withCString { icuregex_open($0, Int32(translated.utf8.count), 0, &err, &offset) }
            guard let compiled else {
                let name = String(cString: icuregex_error_name(err))
                throw TokenizerFileError(field: "", "invalid regular expression \"\(r)\": \(name)"
                                         + (offset >= 0 ? " at character \(offset)" : ""))
            }
            regex = compiled
        }
    }

    deinit { if let regex { icuregex_close(regex) } }

    /// The successive non-overlapping matches, as byte ranges. An empty literal matches nothing.
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = text.baseAddress, text.count > 0 else { return [] }
        if let regex {
            var capacity = 64
            while true {
                var out = [Int64](repeating: 0, count: 2 * capacity)
                var err: Int32 = 0
                let n = out.withUnsafeMutableBufferPointer { found in
                    base.withMemoryRebound(to: CChar.self, capacity: text.count) { t in
                        icuregex_find_all(regex, t, Int64(text.count), found.baseAddress, Int64(capacity), &err)
                    }
                }
                if n < 0 { return [] }
                if Int(n) <= capacity { return (0..<Int(n)).map { Int(out[2 * $0])..<Int(out[2 * $0 + 1]) } }
                capacity = Int(n)
            }
        }
        let m = literal.count
        guard m > 0, m <= text.count else { return [] }
        var found: [Range<Int>] = []
        var i = 0
        literal.withUnsafeBufferPointer { lit in
            let first = lit[0]
            while i + m <= text.count {
                if base[i] == first && memcmp(base + i, lit.baseAddress!, m) == 0 {
                    found.append(i..<i + m)
                    i += m
                } else {
                    i += 1
                }
            }
        }
        return found
    }

    /// Rewrites the two constructs whose meaning differs between Oniguruma (HF) and ICU:
    /// Oniguruma's `\s` is Unicode White_Space (25 characters; ICU's lacks U+000B and U+0085), and
    /// its `.` excludes only `\n` (ICU's also excludes `\r`, U+0085, U+2028 and U+2029).
    static func icuSyntax(_ pattern: String) -> String {
        let space = "\\t-\\r\\x{85}\\p{Z}"
        var out = ""
        var inClass = 0
        var escaped = false
        for ch in pattern.unicodeScalars {
            if escaped {
                escaped = false
                if ch == "s" { out += inClass > 0 ? space : "[\(space)]"; continue }
                if ch == "S" { out += "[^\(space)]"; continue }
                out += "\\"
                out.unicodeScalars.append(ch)
                continue
            }
            switch ch {
            case "\\": escaped = true; continue
            case "." where inClass == 0: out += "[^\\n]"; continue
            case "[": inClass += 1
            case "]": if inClass > 0 { inClass -= 1 }
            default: break
            }
            out.unicodeScalars.append(ch)
        }
        if escaped { out += "\\" }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
