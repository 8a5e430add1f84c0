/// Word-segmentation scores counted as the SIGHAN 2005 `score` script counts them.
///
/// The script writes each line's gold and test words one a line and runs `diff -y` on them: a word
/// is correct when it belongs to the common subsequence of the two word lists that the edit script
/// keeps. Recall = correct / gold words, precision = correct / test words, F1 their harmonic mean; a
/// gold word is out of vocabulary (OOV) when the training word list lacks it, and OOV recall and IV
/// recall are the shares of those gold words found. Lines whose gold is empty are skipped, test words
/// included.
///
/// We take the longest common subsequence, which is what diff's minimal edit script keeps. GNU diff
/// drops some frequent lines before its search (a speed heuristic), so on a few lines its script is
/// not minimal and the Perl script counts a word or two fewer: 4 of 104,372 gold words on jieba's PKU
/// output, 8 of 106,873 on MSR (see scripts/fixtures/segment_score.py). The printed three-decimal
/// figures agree.
public struct SegmentationScore: Equatable {
    public var goldWords = 0
    public var testWords = 0
    public var correctWords = 0
    public var oovWords = 0
    public var correctOOVWords = 0
    public var ivWords = 0
    public var correctIVWords = 0

    public var recall: Double { ratio(correctWords, goldWords) }
    public var precision: Double { ratio(correctWords, testWords) }
    public var f1: Double {
        let p = precision, r = recall
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
    public var oovRate: Double { ratio(oovWords, goldWords) }
    public var oovRecall: Double { ratio(correctOOVWords, oovWords) }
    public var ivRecall: Double { ratio(correctIVWords, ivWords) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
}

/// Accumulates a `SegmentationScore` line by line.
public struct SegmentationScorer {
    /// The training word list that defines OOV; without one every word is in vocabulary.
    public let trainingWords: Set<String>?
    public private(set) var score = SegmentationScore()
    private var table: [Int32] = []

    public init(trainingWords: Set<String>?) {
        self.trainingWords = trainingWords
    }

    /// Reads a training word list: one word a line, surrounding whitespace trimmed (as the script
    /// does).
    public static func readTrainingWords(path: String) throws -> Set<String> {
        let reader = try LineReader(path: path)
        var words = Set<String>()
        for line in reader {
            let text = try line.text()
            words.insert(String(text.trimmingSIGHANWhitespace()))
        }
        if let error = reader.error { throw error }
        return words
    }

    /// Adds one line given as its gold and test words.
    public mutating func add(gold: [String], test: [String]) {
        if gold.isEmpty { return }
        score.goldWords += gold.count
        score.testWords += test.count
        let matched = matchedGoldWords(gold, test)
        var m = 0
        for (i, word) in gold.enumerated() {
            let hit = m < matched.count && matched[m] == i
            if hit { m += 1 }
            if trainingWords?.contains(word) ?? true {
                score.ivWords += 1
                if hit { score.correctIVWords += 1 }
            } else {
                score.oovWords += 1
                if hit { score.correctOOVWords += 1 }
            }
        }
        score.correctWords += matched.count
    }

    /// Adds one line given as segmented text (words separated by whitespace).
    public mutating func add(goldLine: String, testLine: String) {
        add(gold: SegmentedCorpus.words(of: goldLine), test: SegmentedCorpus.words(of: testLine))
    }

    /// Indices of the gold words in one longest common subsequence of `gold` and `test`: a suffix
    /// table of LCS lengths, then a walk from the front that takes a match whenever it keeps the
    /// length, else drops a gold word before a test word on ties.
    private mutating func matchedGoldWords(_ gold: [String], _ test: [String]) -> [Int] {
        let n = gold.count, m = test.count
        let width = m + 1
        if table.count < (n + 1) * width { table = [Int32](repeating: 0, count: (n + 1) * width) }
        for j in 0...m { table[n * width + j] = 0 }
        for i in stride(from: n - 1, through: 0, by: -1) {
            table[i * width + m] = 0
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i * width + j] = gold[i] == test[j]
                    ? table[(i + 1) * width + j + 1] + 1
                    : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        var hits: [Int] = []
        var i = 0, j = 0
        while i < n && j < m {
            if gold[i] == test[j] && table[i * width + j] == table[(i + 1) * width + j + 1] + 1 {
                hits.append(i)
                i += 1
                j += 1
            } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return hits
    }
}

extension StringProtocol {
    /// Without leading and trailing ASCII whitespace and U+3000 (the script's `s/^\s*//; s/\s*$//`).
    func trimmingSIGHANWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { c in
            c == " " || c == "\t" || c == "\r" || c == "\n" || c == "\u{3000}" || c == "\u{0B}" || c == "\u{0C}" || c == "\r\n"
        }
        var start = startIndex, end = endIndex
        while start < end && isSpace(self[start]) { start = index(after: start) }
        while end > start && isSpace(self[index(before: end)]) { end = index(before: end) }
        return self[start..<end]
    }
}
