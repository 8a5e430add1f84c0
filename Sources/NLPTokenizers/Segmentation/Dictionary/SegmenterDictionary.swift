import Foundation
import NLPFiles

/// A prefix dictionary of words with frequencies, keyed by normalized scalars (full-width ASCII
/// folded, see `SegmenterCharacters.normalized`), stored as a double-array trie so that the words
/// starting at a position are found in one walk.
///
/// The text form is jieba's: one `word [frequency [tag]]` a line; a missing frequency counts as 1
/// (user dictionaries pass through `ChineseSegmenter.addingWords`, which suggests one instead).
public struct SegmenterDictionary {
    /// The words, normalized, in the order of their indices.
    public private(set) var words: [String] = []
    public private(set) var frequencies: [Double] = []
    public private(set) var totalFrequency: Double = 0

    var alphabet = SegmenterAlphabet()
    var trie: DoubleArrayTrie
    /// log(frequency / total) of each word.
    private(set) var logProbabilities: [Float] = []
    /// The score of a unit that is no word: a frequency of 1, as jieba counts it.
    private(set) var unknownLogProbability: Float = 0

    /// Builds a dictionary; a word given twice keeps the sum of its frequencies. Empty words and
    /// non-positive frequencies are left out.
    public init<S: Sequence>(entries: S) where S.Element == (word: String, frequency: Double) {
        var index: [String: Int] = [:]
        for (word, frequency) in entries {
            let key = Self.normalize(word)
            guard !key.isEmpty, frequency > 0, frequency.isFinite else { continue }
            if let i = index[key] {
                frequencies[i] += frequency
            } else {
                index[key] = words.count
                words.append(key)
                frequencies.append(frequency)
            }
        }
        var alphabet = SegmenterAlphabet()
        let keys = words.map { word in word.unicodeScalars.map { alphabet.add($0.value) } }
        self.alphabet = alphabet
        trie = DoubleArrayTrie(keys: keys)
        totalFrequency = frequencies.reduce(0, +)
        let logTotal = log(max(totalFrequency, 1))
        logProbabilities = frequencies.map { Float(log($0) - logTotal) }
        unknownLogProbability = Float(-logTotal)
    }

    public init() { self.init(entries: [(word: String, frequency: Double)]()) }

    public var count: Int { words.count }

    /// The frequency of `word` (normalized first), or nil.
    public func frequency(of word: String) -> Double? {
        index(of: word).map { frequencies[$0] }
    }

    /// The index of `word` (normalized first), or nil.
    public func index(of word: String) -> Int? {
        let node = trie.node(for: Self.normalize(word).unicodeScalars.map { alphabet.code($0.value) })
        guard node >= 0 else { return nil }
        let v = trie.value[Int(node)]
        return v >= 0 ? Int(v) : nil
    }

    /// A dictionary with `entries` added (frequencies of words already present are replaced).
    public func adding<S: Sequence>(_ entries: S) -> SegmenterDictionary where S.Element == (word: String, frequency: Double) {
        var merged: [String: Double] = [:]
        var order: [String] = []
        for (word, frequency) in zip(words, frequencies) {
            merged[word] = frequency
            order.append(word)
        }
        for (word, frequency) in entries {
            let key = Self.normalize(word)
            if merged[key] == nil { order.append(key) }
            merged[key] = frequency
        }
        return SegmenterDictionary(entries: order.map { (word: $0, frequency: merged[$0]!) })
    }

    static func normalize(_ word: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in word.unicodeScalars {
            scalars.append(Unicode.Scalar(SegmenterCharacters.normalized(s.value)) ?? s)
        }
        return String(scalars)
    }

    // MARK: - Text form

    /// Reads `word [frequency [tag]]` lines (jieba's format); blank lines and `#` comments are skipped.
    public static func load(contentsOf path: String) throws -> SegmenterDictionary {
        SegmenterDictionary(entries: try readEntries(path: path).map { (word: $0.word, frequency: $0.frequency ?? 1) })
    }

    /// The entries of a dictionary file; the frequency is nil where the line has none. Fields are
    /// split on ASCII spaces and tabs (a word never contains one).
    public static func readEntries(path: String) throws -> [(word: String, frequency: Double?)] {
        let reader = try LineReader(path: path)
        var entries: [(word: String, frequency: Double?)] = []
        for line in reader {
            _ = try line.text()  // validates the UTF-8, naming the line
            let fields = line.bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            guard let first = fields.first, first.first != UInt8(ascii: "#") else { continue }
            var frequency: Double?
            if fields.count > 1 {
                let field = String(decoding: fields[1], as: UTF8.self)
                guard let f = Double(field), f > 0, f.isFinite else {
                    throw InputError(file: path, line: line.number,
                                     "expected `word [frequency [tag]]` with a positive frequency, got \"\(field)\"")
                }
                frequency = f
            }
            entries.append((word: String(decoding: first, as: UTF8.self), frequency: frequency))
        }
        if let error = reader.error { throw error }
        return entries
    }

    /// Writes the dictionary as `word frequency` lines, most frequent first, atomically.
    public func write(to path: String) throws {
        var text = ""
        let order = words.indices.sorted { frequencies[$0] != frequencies[$1] ? frequencies[$0] > frequencies[$1] : words[$0] < words[$1] }
        for i in order {
            let f = frequencies[i]
            text += words[i] + " " + (f == f.rounded() && f < 1e15 ? String(Int64(f)) : String(f)) + "\n"
        }
        try AtomicFile.write(text, to: path)
    }
}
