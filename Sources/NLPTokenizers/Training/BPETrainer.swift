/// Learns BPE merges from word counts, as HF's `BpeTrainer` does: special tokens first, then the
/// alphabet (the most frequent `limitAlphabet` characters plus `initialAlphabet`, in code point
/// order), then merges of the most frequent adjacent pair (ties: the smaller pair of ids) until the
/// vocabulary has `vocabularySize` entries or no pair occurs `minFrequency` times. Pair counts are
/// updated incrementally from the words each merge touches, with a priority queue of candidates.
public struct BPETrainer: Sendable {
    public var vocabularySize: Int
    public var minFrequency: Int64
    public var specialTokens: [String]
    public var limitAlphabet: Int?
    public var initialAlphabet: [String]
    public var continuingSubwordPrefix: String?
    public var endOfWordSuffix: String?
    public var maxTokenLength: Int?

    public init(vocabularySize: Int = 30000, minFrequency: Int64 = 0, specialTokens: [String] = [],
                limitAlphabet: Int? = nil, initialAlphabet: [String] = [], continuingSubwordPrefix: String? = nil,
                endOfWordSuffix: String? = nil, maxTokenLength: Int? = nil) {
        self.vocabularySize = vocabularySize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.limitAlphabet = limitAlphabet
        self.initialAlphabet = initialAlphabet
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.maxTokenLength = maxTokenLength
    }

    /// The learned vocabulary (token, id) in id order and the merges in rank order.
    public struct Result: Sendable {
        public var vocabulary: [(String, Int)]
        public var merges: [(String, String)]
    }

    public func train(_ wordCounts: WordCounts) -> Result {
        var state = TrainingState(trainer: self, counts: wordCounts)
        state.run()
        return Result(vocabulary: state.idToWord.enumerated().map { ($1, $0) },
                      merges: state.merges.map { (state.idToWord[Int($0.0)], state.idToWord[Int($0.1)]) })
    }
}

/// The working data of one training run.
private struct TrainingState {
    let trainer: BPETrainer
    let wordCounts: WordCounts
    var idToWord: [String] = []
    var wordToID: [String: Int32] = [:]
    var merges: [(Int32, Int32)] = []
    /// The current symbols of every word, one flat array; word w is symbols[start[w] ..< start[w] + length[w]].
    var symbols: [Int32] = []
    var symbolLengths: [Int32] = []   // characters per symbol, for maxTokenLength
    var starts: [Int] = []
    var lengths: [Int32] = []
    var counts: [Int64] = []
    var pairCounts = PairCountTable()

    init(trainer: BPETrainer, counts: WordCounts) {
        self.trainer = trainer
        self.wordCounts = counts
    }

    mutating func add(_ token: String) -> Int32 {
        if let id = wordToID[token] { return id }
        let id = Int32(idToWord.count)
        idToWord.append(token)
        wordToID[token] = id
        return id
    }

    /// Each word's characters: byte-level words have one per byte (its alphabet character).
    func characters(of word: [UInt8]) -> [String] {
        if wordCounts.isByteLevel { return word.map { String(decoding: ByteLevelAlphabet.utf8[Int($0)], as: UTF8.self) } }
        return String(decoding: word, as: UTF8.self).unicodeScalars.map { String($0) }
    }

    mutating func run() {
        for t in trainer.specialTokens { _ = add(t) }
        // The alphabet: character frequencies over all words.
        var frequency: [String: Int64] = [:]
        let wordChars = wordCounts.words.map { characters(of: $0) }
        for (k, chars) in wordChars.enumerated() {
            for c in chars { frequency[c, default: 0] += wordCounts.counts[k] }
        }
        for c in trainer.initialAlphabet where c.unicodeScalars.count == 1 { frequency[c] = Int64.max }
        var kept = frequency.map { ($0.key, $0.value) }
        if let limit = trainer.limitAlphabet, kept.count > limit {
            kept.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.unicodeScalars.first!.value < $1.0.unicodeScalars.first!.value }
            kept.removeFirst(kept.count - limit)
        }
        kept.sort { $0.0.unicodeScalars.first!.value < $1.0.unicodeScalars.first!.value }
        for (c, _) in kept { _ = add(c) }
        // The words as symbol ids (characters outside the alphabet are dropped, as in HF).
        let prefix = trainer.continuingSubwordPrefix, suffix = trainer.endOfWordSuffix
        for (k, chars) in wordChars.enumerated() {
            starts.append(symbols.count)
            var n: Int32 = 0
            for (i, c) in chars.enumerated() where wordToID[c] != nil {
                var s = c
                if i > 0, let prefix { s = prefix + s }
                if i == chars.count - 1, let suffix { s += suffix }
                symbols.append(add(s))
                symbolLengths.append(1)
                n += 1
            }
            lengths.append(n)
            counts.append(wordCounts.counts[k])
        }
        // Pair counts and where each pair occurs.
        var positions: [UInt64: [Int32]] = [:]
        for w in 0..<counts.count {
            let s = starts[w], n = Int(lengths[w])
            guard n > 1 else { continue }
            for i in s..<(s + n - 1) {
                let pair = TrainingState.key(symbols[i], symbols[i + 1])
                pairCounts.add(pair, counts[w])
                positions[pair, default: []].appendUnique(Int32(w))
            }
        }
        var queue = MergeQueue()
        for (pair, words) in positions {
            let c = pairCounts.count(pair)
            if c > 0 { queue.push(MergeCandidate(count: c, pair: pair, positions: words)) }
        }
        positions = [:]
        let maxLength = Int32(trainer.maxTokenLength ?? Int(Int32.max))
        var changed: [UInt64: [Int32]] = [:]
        while idToWord.count < trainer.vocabularySize, var top = queue.pop() {
            let current = pairCounts.count(top.pair)
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || trainer.minFrequency > top.count { break }
            let a = Int32(truncatingIfNeeded: top.pair >> 32), b = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
            var partB = idToWord[Int(b)]
            if let prefix, partB.hasPrefix(prefix) { partB = String(partB.dropFirst(prefix.count)) }
            let newID = add(idToWord[Int(a)] + partB)
            merges.append((a, b))
            changed.removeAll(keepingCapacity: true)
            for w in top.positions { mergeWord(Int(w), a, b, newID, maxLength, &changed) }
            for (pair, words) in changed {
                let c = pairCounts.count(pair)
                if c > 0 { queue.push(MergeCandidate(count: c, pair: pair, positions: words)) }
            }
        }
    }

    @inline(__always)
    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    /// HF's `Word::merge`: replaces each (a, b) left to right, updating the pair counts of the
    /// neighbours and noting the words where new pairs appear.
    mutating func mergeWord(_ w: Int, _ a: Int32, _ b: Int32, _ replacement: Int32, _ maxLength: Int32,
                            _ changed: inout [UInt64: [Int32]]) {
        let s = starts[w]
        var n = Int(lengths[w])
        let count = counts[w]
        var i = 0
        while i < n {
            if symbols[s + i] == a && i + 1 < n && symbols[s + i + 1] == b {
                let newLength = symbolLengths[s + i] + symbolLengths[s + i + 1]
                if i > 0 {
                    let previous = symbols[s + i - 1]
                    pairCounts.add(TrainingState.key(previous, a), -count)
                    if symbolLengths[s + i - 1] + newLength < maxLength {
                        let p = TrainingState.key(previous, replacement)
                        pairCounts.add(p, count)
                        changed[p, default: []].appendUnique(Int32(w))
                    }
                }
                symbols[s + i] = replacement
                symbolLengths[s + i] = newLength
                // Remove the second symbol of the pair.
                let tail = s + i + 1
                for k in tail..<(s + n - 1) {
                    symbols[k] = symbols[k + 1]
                    symbolLengths[k] = symbolLengths[k + 1]
                }
                n -= 1
                if i < n - 1 {
                    let next = symbols[s + i + 1]
                    pairCounts.add(TrainingState.key(b, next), -count)
                    if symbolLengths[s + i + 1] + newLength < maxLength {
                        let p = TrainingState.key(replacement, next)
                        pairCounts.add(p, count)
                        changed[p, default: []].appendUnique(Int32(w))
                    }
                }
            }
            i += 1
        }
        lengths[w] = Int32(n)
    }
}

private extension Array where Element == Int32 {
    /// Appends unless the last element is the same (positions are added word by word).
    mutating func appendUnique(_ w: Int32) {
        if last != w { append(w) }
    }
}

/// Pair → count, open addressing over UInt64 keys.
private struct PairCountTable {
    private var keys = [UInt64](repeating: .max, count: 1 << 16)
    private var values = [Int64](repeating: 0, count: 1 << 16)
    private var used = 0

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & (keys.count - 1)
    }

    func count(_ key: UInt64) -> Int64 {
        var s = slot(key)
        while true {
            if keys[s] == key { return values[s] }
            if keys[s] == .max { return 0 }
            s = (s + 1) & (keys.count - 1)
        }
    }

    mutating func add(_ key: UInt64, _ delta: Int64) {
        if (used + 1) * 2 > keys.count { grow() }
        var s = slot(key)
        while keys[s] != key && keys[s] != .max { s = (s + 1) & (keys.count - 1) }
        if keys[s] == .max {
            keys[s] = key
            used += 1
        }
        values[s] += delta
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: .max, count: oldKeys.count * 2)
        values = [Int64](repeating: 0, count: oldKeys.count * 2)
        for (k, key) in oldKeys.enumerated() where key != .max {
            var s = slot(key)
            while keys[s] != .max { s = (s + 1) & (keys.count - 1) }
            keys[s] = key
            values[s] = oldValues[k]
        }
    }
}

/// A candidate merge: its count when queued, the pair, and the words it was seen in.
private struct MergeCandidate {
    var count: Int64
    var pair: UInt64
    var positions: [Int32]

    /// Higher count first; for equal counts the smaller pair (HF's `Merge` order).
    @inline(__always)
    func before(_ other: MergeCandidate) -> Bool {
        count != other.count ? count > other.count : pair < other.pair
    }
}

/// A binary heap of merge candidates.
private struct MergeQueue {
    private var items: [MergeCandidate] = []

    mutating func push(_ item: MergeCandidate) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !items[i].before(items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < n && items[l].before(items[best]) { best = l }
            if r < n && items[r].before(items[best]) { best = r }
            if best == i { break }
            items.swapAt(i, best)
            i = best
        }
        return top
    }
}
