import Foundation

/// Corpus BLEU exactly as sacrebleu computes it by default: its tokenizer (13a, or zh for Chinese
/// targets), n-grams up to 4 clipped by the reference counts, brevity penalty from the closest
/// reference length, and the `exp` smoothing of mteval-v13a for orders with no match.
public struct BLEU: Equatable, Sendable {
    public let score: Double
    public let precisions: [Double]
    public let brevityPenalty: Double
    public let hypothesisLength: Int
    public let referenceLength: Int
    public let counts: [Int]
    public let totals: [Int]

    public static let maxOrder = 4

    /// `references[r][i]` is reference stream `r` for hypothesis `i` (one stream = one reference each).
    public init(hypotheses: [String], references: [[String]], tokenizer: SacreBLEUTokenizer = .thirteenA,
                lowercase: Bool = false) {
        precondition(references.allSatisfy { $0.count == hypotheses.count }, "one reference per hypothesis in each stream")
        let n = Self.maxOrder
        var correct = [Int](repeating: 0, count: n), total = [Int](repeating: 0, count: n)
        var sysLength = 0, refLength = 0
        func prepare(_ s: String) -> [String] {
            let text = lowercase ? s.lowercased() : s
            return tokenizer.tokenize(pythonStrip(text, leading: false)).split(separator: " ").map(String.init)
        }
        for i in hypotheses.indices {
            var refCounts: [NGram: Int] = [:]
            var refLengths: [Int] = []
            for stream in references {
                let tokens = prepare(stream[i])
                refLengths.append(tokens.count)
                for (gram, count) in ngramCounts(tokens, maxOrder: n) {
                    refCounts[gram] = max(refCounts[gram] ?? 0, count)
                }
            }
            let hyp = prepare(hypotheses[i])
            sysLength += hyp.count
            // The closest reference length; ties go to the shorter reference.
            var closest = -1, closestDiff = -1
            for length in refLengths {
                let diff = abs(hyp.count - length)
                if closestDiff == -1 || diff < closestDiff || (diff == closestDiff && length < closest) {
                    closest = length; closestDiff = diff
                }
            }
            refLength += closest
            for (gram, count) in ngramCounts(hyp, maxOrder: n) {
                total[gram.order - 1] += count
                if let r = refCounts[gram] { correct[gram.order - 1] += min(count, r) }
            }
        }
        self.init(correct: correct, total: total, hypothesisLength: sysLength, referenceLength: refLength)
    }

    /// The score from sufficient statistics (sacrebleu's `compute_bleu` with `exp` smoothing).
    public init(correct: [Int], total: [Int], hypothesisLength: Int, referenceLength: Int) {
        var bp = 1.0
        if hypothesisLength < referenceLength {
            bp = hypothesisLength > 0 ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 0
        }
        var precisions = [Double](repeating: 0, count: correct.count)
        var score = 0.0
        if correct.contains(where: { $0 != 0 }) {
            var smooth = 1.0
            for k in 0..<correct.count {
                if total[k] == 0 { break }
                if correct[k] == 0 {
                    smooth *= 2
                    precisions[k] = 100 / (smooth * Double(total[k]))
                } else {
                    precisions[k] = 100 * Double(correct[k]) / Double(total[k])
                }
            }
            let logs = precisions.map { $0 == 0 ? -9_999_999_999 : log($0) }
            score = bp * exp(logs.reduce(0, +) / Double(correct.count))
        }
        self.score = score
        self.precisions = precisions
        self.brevityPenalty = bp
        self.hypothesisLength = hypothesisLength
        self.referenceLength = referenceLength
        self.counts = correct
        self.totals = total
    }

    /// sacrebleu's summary line: "BLEU = 24.31 55.1/30.2/18.0/11.0 (BP = 0.975 ratio = 0.975 hyp_len = … ref_len = …)".
    public var summary: String {
        let p = precisions.map { formatFixed($0, digits: 1) }.joined(separator: "/")
        let ratio = referenceLength > 0 ? Double(hypothesisLength) / Double(referenceLength) : 0
        return "BLEU = \(formatFixed(score, digits: 2)) \(p) (BP = \(formatFixed(brevityPenalty, digits: 3)) "
            + "ratio = \(formatFixed(ratio, digits: 3)) hyp_len = \(hypothesisLength) ref_len = \(referenceLength))"
    }
}

/// A word n-gram: its tokens joined by a separator that cannot occur inside a token.
struct NGram: Hashable {
    let key: String
    let order: Int
}

func ngramCounts(_ tokens: [String], maxOrder: Int) -> [NGram: Int] {
    var counts: [NGram: Int] = [:]
    guard !tokens.isEmpty else { return counts }
    for n in 1...maxOrder where n <= tokens.count {
        for i in 0...(tokens.count - n) {
            counts[NGram(key: tokens[i..<(i + n)].joined(separator: " "), order: n), default: 0] += 1
        }
    }
    return counts
}
