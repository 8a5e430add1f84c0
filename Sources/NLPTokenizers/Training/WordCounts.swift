/// How often each pre-tokenized word occurs in a corpus: the trainers' input. Memory grows with the
/// number of distinct words, not with the corpus. Words are kept as bytes (raw bytes for byte-level
/// pieces, whose characters are the byte-level alphabet's).
public struct WordCounts: Sendable {
    private(set) var table = ByteStringTable(capacity: 1 << 16)
    private(set) var counts: [Int64] = []
    private(set) var words: [[UInt8]] = []
    /// True if the words are raw bytes standing for byte-level characters.
    public internal(set) var isByteLevel = false

    public init() {}

    public var distinctWords: Int { counts.count }
    public var totalWords: Int64 { counts.reduce(0, +) }

    @inline(__always)
    mutating func add(_ word: UnsafeBufferPointer<UInt8>, count: Int64 = 1) {
        let k = table.find(word)
        if k >= 0 {
            counts[Int(k)] += count
        } else {
            table.insert(word, Int32(counts.count))
            counts.append(count)
            words.append(Array(word))
        }
    }

    /// Adds a word given as text (its UTF-8).
    public mutating func add(_ word: String, count: Int64 = 1) {
        var word = word
        word.withUTF8 { add($0, count: count) }
    }

    /// Adds the counts of `other`.
    public mutating func merge(_ other: WordCounts) {
        if counts.isEmpty { isByteLevel = other.isByteLevel }
        for (k, w) in other.words.enumerated() {
            w.withUnsafeBufferPointer { add($0, count: other.counts[k]) }
        }
    }

    /// The words with their counts (text: byte-level words written in the byte-level alphabet).
    public var entries: [(word: String, count: Int64)] {
        words.enumerated().map { k, w in
            (isByteLevel ? ByteLevelAlphabet.encode(w) : String(decoding: w, as: UTF8.self), counts[k])
        }
    }
}

extension Tokenizer {
    /// Counts the words of `lines` as this tokenizer's added-token matching, normalizer and
    /// pre-tokenizer cut them (what its trainer learns from).
    public func countWords<S: Sequence>(in lines: S, into counts: inout WordCounts) where S.Element == String {
        Workspace.with { w in
            for line in lines { countWords(line, w, into: &counts) }
        }
    }

    func countWords(_ line: String, _ w: Scratch, into counts: inout WordCounts) {
        var line = line
        line.withUTF8 { split($0, into: w) }
        if let preTokenizer { preTokenizer.preTokenize(&w.text) }
        let text = w.text
        text.bytes.withUnsafeBufferPointer { arena in
            for s in text.splits where !s.isAddedToken {
                if s.isByteLevel { counts.isByteLevel = true }
                counts.add(UnsafeBufferPointer(rebasing: arena[Int(s.start)..<Int(s.end)]))
            }
        }
    }
}
