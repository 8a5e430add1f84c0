/// Segmented text for training and scoring: one sentence a line, words separated by whitespace
/// (spaces, tabs or U+3000; the SIGHAN files use two spaces, People's Daily one). Empty lines are kept
/// as sentences without words so that line numbers stay aligned.
public struct SegmentedCorpus {
    public private(set) var sentences: [[String]] = []

    public init(sentences: [[String]] = []) {
        self.sentences = sentences
    }

    /// Reads one or more files; invalid UTF-8 is an `InputError` naming the file and line.
    public init(paths: [String]) throws {
        for path in paths {
            let reader = try LineReader(path: path)
            for line in reader {
                sentences.append(Self.words(of: try line.text()))
            }
            if let error = reader.error { throw error }
        }
    }

    public var wordCount: Int { sentences.reduce(0) { $0 + $1.count } }

    /// The words of one segmented line, split as the SIGHAN `score` script splits them: on ASCII
    /// whitespace and U+3000.
    public static func words(of line: String) -> [String] {
        line.split(whereSeparator: { c in
            c == " " || c == "\t" || c == "\r" || c == "\u{3000}" || c == "\u{0B}" || c == "\u{0C}" || c == "\r\n"
        }).map(String.init)
    }
}

extension SegmenterText {
    /// The units of a segmented sentence, built word by word so that no unit crosses a gold word
    /// boundary; forced boundaries are those the raw text would have. Returns the number of units of
    /// each word.
    mutating func load(words: [String]) -> [Int] {
        removeAll()
        var unitCounts: [Int] = []
        unitCounts.reserveCapacity(words.count)
        for word in words {
            let first = scalars.count
            let unitsBefore = unitCount
            var word = word
            word.withUTF8 { appendScalars(utf8: $0) }
            appendUnits(scalars: first..<scalars.count)
            unitCounts.append(unitCount - unitsBefore)
        }
        finishUnits()
        return unitCounts
    }
}

extension SegmentedCorpus {
    /// The corpus re-segmented towards another segmentation standard given by its word list: a word
    /// that is not in the list is split into the fewest list words, when it can be. (For People's
    /// Daily 1998-01 and the SIGHAN 2005 PKU training word list, the bakeoff's revised copy of the
    /// same month: 放在 → 放 在, 更是 → 更 是, 官兵们 → 官兵 们.) Words are never merged: a
    /// listed word may be joined in one place of the other corpus and split in the next.
    /// Returns the corpus and the number of words split.
    public func adapted(to standard: Set<String>) -> (SegmentedCorpus, splits: Int) {
        var splits = 0
        let result = sentences.map { words -> [String] in
            var out: [String] = []
            out.reserveCapacity(words.count)
            for word in words {
                if word.unicodeScalars.count >= 2 && !standard.contains(word), let pieces = Self.split(word, into: standard) {
                    out.append(contentsOf: pieces)
                    splits += 1
                } else {
                    out.append(word)
                }
            }
            return out
        }
        return (SegmentedCorpus(sentences: result), splits)
    }

    /// `word` as the fewest (two or more) words of `vocabulary`, or nil.
    private static func split(_ word: String, into vocabulary: Set<String>) -> [String]? {
        let scalars = Array(word.unicodeScalars)
        let n = scalars.count
        var best = [Int](repeating: Int.max, count: n + 1)
        var from = [Int](repeating: -1, count: n + 1)
        best[0] = 0
        for end in 1...n {
            for start in 0..<end where best[start] != Int.max && !(start == 0 && end == n) {
                var piece = String.UnicodeScalarView()
                piece.append(contentsOf: scalars[start..<end])
                if vocabulary.contains(String(piece)) && best[start] + 1 < best[end] {
                    best[end] = best[start] + 1
                    from[end] = start
                }
            }
        }
        guard best[n] != Int.max else { return nil }
        var pieces: [String] = []
        var end = n
        while end > 0 {
            let start = from[end]
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[start..<end])
            pieces.append(String(piece))
            end = start
        }
        return pieces.reversed()
    }
}
