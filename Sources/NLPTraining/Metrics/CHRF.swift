/// Corpus chrF as sacrebleu computes it by default (chrF2: character n-grams up to 6, no word
/// n-grams, β = 2, whitespace removed): statistics summed over the corpus, then precision and recall
/// averaged over the orders that occur, then the F-β score, × 100.
public struct CHRF: Equatable, Sendable {
    public let score: Double

    public static let charOrder = 6
    public static let beta = 2.0

    public init(hypotheses: [String], references: [[String]]) {
        precondition(references.allSatisfy { $0.count == hypotheses.count }, "one reference per hypothesis in each stream")
        var stats = [Int](repeating: 0, count: 3 * Self.charOrder)
        for i in hypotheses.indices {
            let hyp = Self.characterNgrams(hypotheses[i])
            var best: [Int] = []
            var bestF = -1.0
            for stream in references {
                let ref = Self.characterNgrams(stream[i])
                var s: [Int] = []
                for (h, r) in zip(hyp, ref) {
                    var matched = 0, hypCount = 0
                    for (gram, count) in h {
                        hypCount += count
                        if let rc = r[gram] { matched += min(count, rc) }
                    }
                    s += [r.isEmpty ? 0 : hypCount, r.values.reduce(0, +), matched]
                }
                let f = Self.fScore(s)
                if f > bestF { bestF = f; best = s }
            }
            for k in stats.indices { stats[k] += best[k] }
        }
        score = Self.fScore(stats)
    }

    static func characterNgrams(_ line: String) -> [[String: Int]] {
        let chars = pythonSplit(line.unicodeScalars).flatMap { $0 }
        var out: [[String: Int]] = []
        for n in 1...charOrder {
            var counts: [String: Int] = [:]
            if chars.count >= n {
                for i in 0...(chars.count - n) {
                    counts[String(String.UnicodeScalarView(chars[i..<(i + n)])), default: 0] += 1
                }
            }
            out.append(counts)
        }
        return out
    }

    static func fScore(_ stats: [Int]) -> Double {
        let eps = 1e-16
        let factor = beta * beta
        var precision = 0.0, recall = 0.0, effectiveOrder = 0
        for i in 0..<(stats.count / 3) {
            let (hyp, ref, match) = (stats[3 * i], stats[3 * i + 1], stats[3 * i + 2])
            let p = hyp > 0 ? Double(match) / Double(hyp) : eps
            let r = ref > 0 ? Double(match) / Double(ref) : eps
            if hyp > 0 && ref > 0 {
                precision += p
                recall += r
                effectiveOrder += 1
            }
        }
        if effectiveOrder == 0 { return 0 }
        precision /= Double(effectiveOrder)
        recall /= Double(effectiveOrder)
        guard precision + recall > 0 else { return 0 }
        return 100 * (1 + factor) * precision * recall / (factor * precision + recall)
    }
}
