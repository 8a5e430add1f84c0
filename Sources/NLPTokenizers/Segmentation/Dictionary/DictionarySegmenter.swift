/// Dictionary mode, jieba's algorithm over units: every dictionary word starting at every unit (the
/// DAG), the most probable path through it by dynamic programming from the right (unigram word
/// probabilities; a unit that is no word counts as frequency 1), then an HMM over each run of
/// single-unit words that is not itself a word, so that unknown words such as names come out whole.
/// Words never cross a forced boundary (spaces, closed punctuation, URLs).
public struct DictionarySegmenter {
    public let dictionary: SegmenterDictionary
    public let hmm: SegmenterHMM?
    /// The boundary rules texts must be loaded with (`SegmenterText.rules`).
    public let rules: SegmenterRules

    public init(dictionary: SegmenterDictionary, hmm: SegmenterHMM?, rules: SegmenterRules = .none) {
        self.dictionary = dictionary
        self.hmm = hmm
        self.rules = rules
    }

    /// Buffers reused from line to line.
    public struct Workspace {
        var score: [Float] = []
        var next: [Int32] = []
        var symbols: [UInt32] = []
        var ends: [Bool] = []
        var viterbi: [SIMD4<Float>] = []
        var back: [SIMD4<Int32>] = []
        public init() {}
    }

    /// Appends the words of `text` as unit ranges.
    public func segment(_ text: SegmenterText, workspace w: inout Workspace, into words: inout [Range<Int>]) {
        let n = text.unitCount
        if n == 0 { return }
        bestPath(text, workspace: &w)
        var i = 0
        var run = 0  // start of the pending run of single-unit words
        while i < n {
            let j = Int(w.next[i])
            if j == i + 1 {
                i = j
                continue
            }
            flushSingles(text, run..<i, workspace: &w, into: &words)
            words.append(i..<j)
            i = j
            run = j
        }
        flushSingles(text, run..<n, workspace: &w, into: &words)
    }

    /// Search mode: each word, preceded by the dictionary words inside it (jieba's
    /// `cut_for_search`, with every inner length rather than only 2 and 3).
    public func segmentForSearch(_ text: SegmenterText, workspace w: inout Workspace, into words: inout [Range<Int>]) {
        var plain: [Range<Int>] = []
        segment(text, workspace: &w, into: &plain)
        for word in plain {
            if word.count >= 3 {
                for a in word.lowerBound..<word.upperBound - 1 {
                    forEachWord(in: text, from: a, limit: word.upperBound) { end, _ in
                        if end - a >= 2 && end - a < word.count { words.append(a..<end) }
                    }
                }
            }
            words.append(word)
        }
    }

    /// Calls `body(end, wordIndex)` for each dictionary word that starts at unit `start` and ends at a
    /// unit boundary ≤ `limit` without crossing a forced boundary, shortest first.
    func forEachWord(in text: SegmenterText, from start: Int, limit: Int, _ body: (Int, Int) -> Void) {
        let trie = dictionary.trie
        var node = DoubleArrayTrie.root
        var u = start
        while u < limit {
            for k in Int(text.unitStarts[u])..<Int(text.unitEnds[u]) {
                let code = dictionary.alphabet.code(text.scalars[k])
                if code == 0 { return }
                node = trie.child(node, code)
                if node < 0 { return }
            }
            u += 1
            let v = trie.value[Int(node)]
            if v >= 0 { body(u, Int(v)) }
            if text.forcedBreaks[u] { return }
        }
    }

    /// Fills `w.next`: the end of the best word starting at each unit.
    private func bestPath(_ text: SegmenterText, workspace w: inout Workspace) {
        let n = text.unitCount
        if w.score.count < n + 1 {
            w.score = [Float](repeating: 0, count: n + 1)
            w.next = [Int32](repeating: 0, count: n + 1)
        }
        let unknown = dictionary.unknownLogProbability
        let alphabet = dictionary.alphabet
        let trie = dictionary.trie
        w.score.withUnsafeMutableBufferPointer { score in
        w.next.withUnsafeMutableBufferPointer { next in
        text.scalars.withUnsafeBufferPointer { scalars in
        text.unitStarts.withUnsafeBufferPointer { starts in
        text.unitEnds.withUnsafeBufferPointer { ends in
        text.forcedBreaks.withUnsafeBufferPointer { breaks in
        trie.base.withUnsafeBufferPointer { base in
        trie.check.withUnsafeBufferPointer { check in
        trie.value.withUnsafeBufferPointer { value in
        dictionary.logProbabilities.withUnsafeBufferPointer { logP in
        alphabet.withBasicTable { codes in
            score[n] = 0
            var i = n - 1
            while i >= 0 {
                var best = -Float.infinity
                var bestEnd = Int32(i + 1)
                var single = unknown
                var node: Int32 = 0
                var u = i
                walk: while true {
                    var k = Int(starts[u])
                    let unitEnd = Int(ends[u])
                    while k < unitEnd {
                        let s = scalars[k]
                        let code = s < 0x10000 ? codes[Int(s)] : alphabet.code(s)
                        if code == 0 { break walk }
                        let slot = Int(base[Int(node)] &+ code)
                        if check[slot] != node { break walk }
                        node = Int32(slot)
                        k += 1
                    }
                    u += 1
                    let v = value[Int(node)]
                    if v >= 0 {
                        if u == i + 1 {
                            single = logP[Int(v)]
                        } else {
                            let candidate = logP[Int(v)] + score[u]
                            if candidate >= best { best = candidate; bestEnd = Int32(u) }
                        }
                    }
                    if u >= n || breaks[u] { break }
                }
                let alone = single + score[i + 1]
                if alone > best { best = alone; bestEnd = Int32(i + 1) }
                score[i] = best
                next[i] = bestEnd
                i -= 1
            }
        }}}}}}}}}}}
    }

    /// Emits a run of single-unit words: one unit alone, the units one by one when the run is itself a
    /// dictionary word, else the words the HMM finds in each stretch between forced boundaries.
    private func flushSingles(_ text: SegmenterText, _ run: Range<Int>, workspace w: inout Workspace,
                              into words: inout [Range<Int>]) {
        if run.isEmpty { return }
        guard let hmm, run.count > 1, !isWord(text, run) else {
            for u in run { words.append(u..<u + 1) }
            return
        }
        var a = run.lowerBound
        while a < run.upperBound {
            var b = a + 1
            while b < run.upperBound && !text.forcedBreaks[b] { b += 1 }
            if b - a == 1 {
                words.append(a..<b)
            } else {
                w.symbols.removeAll(keepingCapacity: true)
                w.symbols.append(contentsOf: text.unitSymbols[a..<b])
                w.symbols.withUnsafeBufferPointer { hmm.wordEnds($0, into: &w.ends, scratch: &w.viterbi, back: &w.back) }
                var start = a
                for (k, isEnd) in w.ends.enumerated() where isEnd {
                    words.append(start..<a + k + 1)
                    start = a + k + 1
                }
            }
            a = b
        }
    }

    private func isWord(_ text: SegmenterText, _ units: Range<Int>) -> Bool {
        var found = false
        forEachWord(in: text, from: units.lowerBound, limit: units.upperBound) { end, _ in
            if end == units.upperBound { found = true }
        }
        return found
    }
}
