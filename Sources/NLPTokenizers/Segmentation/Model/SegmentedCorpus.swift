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
