/// A token added on top of the model's vocabulary ([CLS], <|endoftext|>, user tokens): matched in
/// the text before the model sees it.
public struct AddedToken: Equatable, Sendable {
    public var content: String
    /// Only match where the token is a whole word (no word character touching either side).
    public var singleWord: Bool
    /// Take the whitespace on the left (right) into the match.
    public var leftStrip: Bool
    public var rightStrip: Bool
    /// Match against the normalized text (true) or the original text (false).
    public var normalized: Bool
    /// Special tokens are skipped by `decode(…, skipSpecialTokens: true)`.
    public var special: Bool

    public init(_ content: String, special: Bool = false, singleWord: Bool = false, leftStrip: Bool = false,
                rightStrip: Bool = false, normalized: Bool? = nil) {
        self.content = content
        self.special = special
        self.singleWord = singleWord
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
        self.normalized = normalized ?? !special
    }

    func json(id: Int) -> JSON {
        .object(["id": JSON(id), "content": .string(content), "single_word": .bool(singleWord),
                 "lstrip": .bool(leftStrip), "rstrip": .bool(rightStrip), "normalized": .bool(normalized),
                 "special": .bool(special)])
    }

    init(json: JSONField) throws {
        let special = try json.optional("special").bool(default: false)
        self.init(try json.field("content").string(), special: special,
                  singleWord: try json.optional("single_word").bool(default: false),
                  leftStrip: try json.optional("lstrip").bool(default: false),
                  rightStrip: try json.optional("rstrip").bool(default: false),
                  normalized: json.has("normalized") ? try json.field("normalized").bool() : nil)
    }
}

/// A match of an added token in a text: bytes `[start, end)` (whitespace taken by lstrip/rstrip
/// included) and the token's id.
struct AddedTokenMatch {
    var start: Int
    var end: Int
    var id: Int32
}

/// Finds added tokens in text as HF does: leftmost-longest, non-overlapping matches (its
/// Aho-Corasick automaton's order), then the single_word / lstrip / rstrip rules.
struct AddedTokenMatcher: Sendable {
    private struct Pattern: Sendable {
        var bytes: [UInt8]
        var id: Int32
        var token: AddedToken
    }
    /// Patterns by first byte, longest first.
    private var byFirstByte: [[Pattern]] = Array(repeating: [], count: 256)
    private(set) var isEmpty = true

    init(_ patterns: [(text: String, id: Int, token: AddedToken)]) {
        for p in patterns where !p.text.isEmpty {
            let bytes = Array(p.text.utf8)
            byFirstByte[Int(bytes[0])].append(Pattern(bytes: bytes, id: Int32(p.id), token: p.token))
            isEmpty = false
        }
        for b in 0..<256 { byFirstByte[b].sort { $0.bytes.count > $1.bytes.count } }
    }

    /// Appends the matches in `text` to `matches` (in order).
    func findMatches(in text: UnsafeBufferPointer<UInt8>, into matches: inout [AddedTokenMatch]) {
        guard !isEmpty, let p = text.baseAddress else { return }
        let n = text.count
        var i = 0
        var previousEnd = 0
        let table = UnicodeClassTable.shared
        while i < n {
            let candidates = byFirstByte[Int(p[i])]
            if candidates.isEmpty { i += 1; continue }
            var hit: Pattern?
            for c in candidates where c.bytes.count <= n - i {
                if c.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p + i, c.bytes.count) == 0 }) {
                    hit = c
                    break
                }
            }
            guard let pattern = hit else { i += 1; continue }
            var start = i, stop = i + pattern.bytes.count
            i = stop
            let t = pattern.token
            if t.singleWord {
                let startSpace = start == 0 || !AddedTokenMatcher.isWordCharacter(before: start, p, table)
                let stopSpace = stop == n || !AddedTokenMatcher.isWordCharacter(at: stop, p, n, table)
                if !startSpace || !stopSpace { continue }
            }
            if t.leftStrip {
                var s = start
                while s > 0 {
                    let b = AddedTokenMatcher.previousScalar(before: s, p)
                    if table.flags(b.scalar) & UnicodeClass.whitespace.rawValue == 0 { break }
                    s = b.start
                }
                start = max(s, previousEnd)
            }
            if t.rightStrip {
                while stop < n {
                    let (c, len) = UTF8Scalars.decode(p, at: stop)
                    if table.flags(c) & UnicodeClass.whitespace.rawValue == 0 { break }
                    stop += len
                }
            }
            matches.append(AddedTokenMatch(start: start, end: stop, id: pattern.id))
            previousEnd = stop
            i = max(i, stop)
        }
    }

    private static func previousScalar(before i: Int, _ p: UnsafePointer<UInt8>) -> (scalar: UInt32, start: Int) {
        var s = i - 1
        while s > 0 && p[s] & 0xC0 == 0x80 { s -= 1 }
        return (UTF8Scalars.decode(p, at: s).scalar, s)
    }

    private static func isWordCharacter(before i: Int, _ p: UnsafePointer<UInt8>, _ table: UnicodeClassTable) -> Bool {
        table.flags(previousScalar(before: i, p).scalar) & UnicodeClass.word.rawValue != 0
    }

    private static func isWordCharacter(at i: Int, _ p: UnsafePointer<UInt8>, _ n: Int, _ table: UnicodeClassTable) -> Bool {
        i < n && table.flags(UTF8Scalars.decode(p, at: i).scalar) & UnicodeClass.word.rawValue != 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
