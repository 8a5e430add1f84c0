/// GPT-2's byte-level pre-tokenizer: optionally puts a space before the text, splits it with GPT-2's
/// pattern (`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, matched by
/// hand over UTF-8 with Oniguruma's character classes), and turns each piece into byte-level
/// characters. The mapping is applied lazily: the pieces keep their raw bytes, which the BPE model
/// reads as the byte-level characters they stand for.
public struct ByteLevel: PreTokenizer {
    public let addPrefixSpace: Bool
    public let trimOffsets: Bool
    public let useRegex: Bool

    public init(addPrefixSpace: Bool = true, trimOffsets: Bool = true, useRegex: Bool = true) {
        self.addPrefixSpace = addPrefixSpace
        self.trimOffsets = trimOffsets
        self.useRegex = useRegex
    }

    public var json: JSON {
        .object(["type": "ByteLevel", "add_prefix_space": .bool(addPrefixSpace),
                 "trim_offsets": .bool(trimOffsets), "use_regex": .bool(useRegex)])
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        if addPrefixSpace {
            text.rewrite { piece, _ in
                if piece.bytes.first != 0x20 { piece.prepend([0x20]) }
            }
        }
        if useRegex {
            text.split { bytes, sink in GPT2Pattern.split(bytes, into: &sink) }
        }
        text.markByteLevel()
    }
}

extension ByteLevel: WordScanner {
    /// Only without the prefix space (which rewrites the text) and with the pattern.
    var canScan: Bool { !addPrefixSpace && useRegex }
    var wordsAreByteLevel: Bool { true }

    func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        GPT2Pattern.forEach(bytes, body)
    }
}

/// The GPT-2 pre-tokenization pattern as a hand-written scanner. Each position tries the pattern's
/// alternatives in order, as Oniguruma's backtracking does.
enum GPT2Pattern {
    // Character kinds: letter, number, space, other.
    private static let letter: UInt8 = 0, number: UInt8 = 1, space: UInt8 = 2, other: UInt8 = 3

    private static let asciiKinds: [UInt8] = (0..<128).map { b -> UInt8 in
        let f = UnicodeClassTable.shared.flags(UInt32(b))
        if f & UnicodeClass.letter.rawValue != 0 { return letter }
        if f & UnicodeClass.number.rawValue != 0 { return number }
        if f & UnicodeClass.whitespace.rawValue != 0 { return space }
        return other
    }

    @inline(__always)
    private static func kind(_ p: UnsafePointer<UInt8>, _ i: Int, _ ascii: UnsafePointer<UInt8>,
                             _ table: UnicodeClassTable) -> (UInt8, Int) {
        let b = p[i]
        if b < 0x80 { return (ascii[Int(b)], 1) }
        let (c, n) = UTF8Scalars.decode(p, at: i)
        let f = table.flags(c)
        if f & UnicodeClass.letter.rawValue != 0 { return (letter, n) }
        if f & UnicodeClass.number.rawValue != 0 { return (number, n) }
        if f & UnicodeClass.whitespace.rawValue != 0 { return (space, n) }
        return (other, n)
    }

    static func split(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout SplitSink) {
        forEach(bytes) { a, b in sink.add(a, b) }
    }

    @inline(__always)
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ add: (Int, Int) -> Void) {
        guard let p = bytes.baseAddress else { return }
        let n = bytes.count
        let table = UnicodeClassTable.shared
        asciiKinds.withUnsafeBufferPointer { asciiBuffer in
            let ascii = asciiBuffer.baseAddress!
            var i = 0
            while i < n {
                let start = i
                let b = p[i]
                // 's 't 're 've 'm 'll 'd
                if b == 0x27 && i + 1 < n {
                    let c1 = p[i + 1]
                    if c1 == 0x73 || c1 == 0x74 || c1 == 0x6D || c1 == 0x64 {   // s t m d
                        add(i, i + 2); i += 2; continue
                    }
                    if i + 2 < n {
                        let c2 = p[i + 2]
                        if (c1 == 0x72 && c2 == 0x65) || (c1 == 0x76 && c2 == 0x65) || (c1 == 0x6C && c2 == 0x6C) {
                            add(i, i + 3); i += 3; continue   // re ve ll
                        }
                    }
                }
                var (k, len) = kind(p, i, ascii, table)
                // A literal space may lead a letter, number or other run.
                var runStart = i
                if b == 0x20 && i + 1 < n {
                    let (k1, len1) = kind(p, i + 1, ascii, table)
                    if k1 != space {
                        k = k1
                        len = len1
                        runStart = i + 1
                    }
                }
                if k != space {
                    var j = runStart + len
                    while j < n {
                        let (kj, lj) = kind(p, j, ascii, table)
                        if kj != k { break }
                        j += lj
                    }
                    add(start, j)
                    i = j
                    continue
                }
                // Whitespace: \s+(?!\S) takes the run but its last character when a non-space
                // follows; a run of one such character falls to \s+.
                var j = i + len, lastStart = i
                while j < n {
                    let (kj, lj) = kind(p, j, ascii, table)
                    if kj != space { break }
                    lastStart = j
                    j += lj
                }
                if j < n && lastStart > start {
                    add(start, lastStart)
                    i = lastStart
                } else {
                    add(start, j)
                    i = j
                }
            }
        }
    }
}
