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
    /// All patterns, grouped by first byte, longest first within a group.
    private let patterns: [Pattern]
    /// For each first byte, the range of `patterns` that starts with it.
    private let groups: [Range<Int>]
    /// Bit b set if some pattern starts with byte b (a quick test before looking at the groups).
    private let firstBytes: (UInt64, UInt64, UInt64, UInt64)
    /// The first byte when all patterns share it (then memchr finds the candidates).
    private let onlyFirstByte: Int32
    let isEmpty: Bool

    init(_ list: [(text: String, id: Int, token: AddedToken)]) {
        var all: [Pattern] = []
        for p in list where !p.text.isEmpty { all.append(Pattern(bytes: Array(p.text.utf8), id: Int32(p.id), token: p.token)) }
        all.sort { $0.bytes[0] != $1.bytes[0] ? $0.bytes[0] < $1.bytes[0] : $0.bytes.count > $1.bytes.count }
        var groups = [Range<Int>](repeating: 0..<0, count: 256)
        var mask: [UInt64] = [0, 0, 0, 0]
        var k = 0
        while k < all.count {
            let b = Int(all[k].bytes[0])
            var end = k
            while end < all.count && all[end].bytes[0] == all[k].bytes[0] { end += 1 }
            groups[b] = k..<end
            mask[b >> 6] |= 1 << UInt64(b & 63)
            k = end
        }
        patterns = all
        self.groups = groups
        firstBytes = (mask[0], mask[1], mask[2], mask[3])
        isEmpty = all.isEmpty
        onlyFirstByte = !all.isEmpty && all.allSatisfy({ $0.bytes[0] == all[0].bytes[0] }) ? Int32(all[0].bytes[0]) : -1
    }

    @inline(__always)
    private func mayStart(_ b: UInt8) -> Bool {
        let word: UInt64
        switch b >> 6 {
        case 0: word = firstBytes.0
        case 1: word = firstBytes.1
        case 2: word = firstBytes.2
        default: word = firstBytes.3
        }
        return word >> UInt64(b & 63) & 1 != 0
    }

    /// Appends the matches in `text` to `matches` (in order).
    func findMatches(in text: UnsafeBufferPointer<UInt8>, into matches: inout [AddedTokenMatch]) {
        guard !isEmpty, let p = text.baseAddress else { return }
        let n = text.count
        var i = 0
        var previousEnd = 0
        let table = UnicodeClassTable.shared
        while i < n {
            if onlyFirstByte >= 0 {
                guard let q = memchr(p + i, onlyFirstByte, n - i) else { return }
                i = p.distance(to: q.assumingMemoryBound(to: UInt8.self))
            } else if !mayStart(p[i]) {
                i += 1
                continue
            }
            var hit = -1
            for k in groups[Int(p[i])] {
                let count = patterns[k].bytes.count
                if count <= n - i && patterns[k].bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p + i, count) == 0 }) {
                    hit = k
                    break
                }
            }
            if hit < 0 { i += 1; continue }
            let pattern = patterns[hit]
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
