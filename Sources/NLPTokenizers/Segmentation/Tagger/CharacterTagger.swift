/// Accurate mode: a linear-chain tagger that gives each unit a B/M/E/S tag. The score of a tag
/// sequence is the sum of the weights of each unit's hashed features for its tag plus the weights of
/// the tag transitions (trained as an averaged structured perceptron, see `TaggerTrainer`); Viterbi
/// finds the best sequence that respects the forced boundaries.
let debugTagger = ProcessInfo.processInfo.environment["SEG_DEBUG"] != nil
import Foundation
public struct CharacterTagger {
    public let dictionary: SegmenterDictionary
    public let features: TaggerFeatures
    /// One row of B/M/E/S scores per feature bucket.
    let weights: [SIMD4<Float>]
    /// `transition[from]`: the scores of each next tag.
    let transition: [SIMD4<Float>]
    /// Scores of the first tag of a line.
    let start: SIMD4<Float>
    /// The boundary rules texts must be loaded with (`SegmenterText.rules`).
    public let rules: SegmenterRules

    init(dictionary: SegmenterDictionary, features: TaggerFeatures, weights: [SIMD4<Float>],
         transition: [SIMD4<Float>], start: SIMD4<Float>, rules: SegmenterRules) {
        precondition(weights.count == features.bucketCount && transition.count == 4)
        self.rules = rules
        self.dictionary = dictionary
        self.features = features
        self.weights = weights
        self.transition = transition
        self.start = start
    }

    /// The same tagger reading its dictionary features from another dictionary (for example one with
    /// user words added).
    public func with(dictionary: SegmenterDictionary) -> CharacterTagger {
        CharacterTagger(dictionary: dictionary, features: features, weights: weights, transition: transition, start: start,
                        rules: rules)
    }

    /// Buffers reused from line to line.
    public struct Workspace {
        var features = TaggerFeatures.Workspace()
        var buckets: [UInt32] = []
        var emissions: [SIMD4<Float>] = []
        var viterbi = Viterbi()
        public init() {}
    }

    /// Appends the words of `text` as unit ranges.
    public func segment(_ text: SegmenterText, workspace w: inout Workspace, into words: inout [Range<Int>]) {
        let n = text.unitCount
        if n == 0 { return }
        features.extract(text, dictionary: dictionary, workspace: &w.features, into: &w.buckets)
        Self.emissions(buckets: w.buckets, weights: weights, count: n, into: &w.emissions)
        w.viterbi.decode(emissions: w.emissions, forcedBreaks: text.forcedBreaks, transition: transition, start: start)
        if debugTagger {
            for i in 0..<n {
                var parts: [String] = []
                for j in 0..<TaggerFeatures.count { parts.append("\(j):\(weights[Int(w.buckets[i * TaggerFeatures.count + j])])") }
                print(String(text.unitSymbols[i], radix: 16), w.emissions[i], w.viterbi.tags[i], parts.joined(separator: " "))
            }
        }
        var wordStart = 0
        for i in 0..<n where w.viterbi.tags[i] >= SegmenterTag.end.rawValue {
            words.append(wordStart..<i + 1)
            wordStart = i + 1
        }
    }

    /// The sum of the weight rows of each unit's buckets.
    static func emissions(buckets: [UInt32], weights: [SIMD4<Float>], count n: Int, into out: inout [SIMD4<Float>]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(n)
        let k = TaggerFeatures.count
        buckets.withUnsafeBufferPointer { b in
        weights.withUnsafeBufferPointer { wt in
            var p = 0
            for _ in 0..<n {
                var sum = SIMD4<Float>.zero
                for j in 0..<k { sum += wt[Int(b[p + j])] }
                p += k
                out.append(sum)
            }
        }}
    }

    /// First-order Viterbi over B/M/E/S with the transitions a segmentation allows (B→M/E, M→M/E,
    /// E→B/S, S→B/S; start B/S; end E/S) and the forced boundaries: a unit after a forced boundary
    /// is B or S, a unit before one E or S.
    struct Viterbi {
        private(set) var tags: [Int] = []
        private var back: [SIMD4<Int32>] = []

        /// Allowed next tags after each tag, as additive masks.
        static let follows: [SIMD4<Float>] = {
            let no = -Float.infinity
            return [SIMD4(no, 0, 0, no), SIMD4(no, 0, 0, no), SIMD4(0, no, no, 0), SIMD4(0, no, no, 0)]
        }()
        static let afterBreak = SIMD4<Float>(0, -.infinity, -.infinity, 0)
        static let beforeBreak = SIMD4<Float>(-.infinity, -.infinity, 0, 0)

        mutating func decode(emissions: [SIMD4<Float>], forcedBreaks: [Bool], transition: [SIMD4<Float>], start: SIMD4<Float>) {
            let n = emissions.count
            back.removeAll(keepingCapacity: true)
            back.reserveCapacity(n)
            let rows = (0..<4).map { transition[$0] + Self.follows[$0] }
            var score = start + emissions[0] + Self.afterBreak
            if forcedBreaks[1] { score += Self.beforeBreak }
            back.append(.zero)
            for i in 1..<max(n, 1) {
                var best = score[0] + rows[0]
                var from = SIMD4<Int32>(repeating: 0)
                for p in 1..<4 {
                    let candidate = score[p] + rows[p]
                    let better = candidate .> best
                    best.replace(with: candidate, where: better)
                    from.replace(with: SIMD4(repeating: Int32(p)), where: better)
                }
                score = best + emissions[i]
                if forcedBreaks[i] { score += Self.afterBreak }
                if forcedBreaks[i + 1] { score += Self.beforeBreak }
                back.append(from)
            }
            // The last unit ends a word (the end of the line is a forced boundary).
            var tag = 0
            for t in 1..<4 where score[t] > score[tag] { tag = t }
            tags = [Int](repeating: 0, count: n)
            var i = n - 1
            while i >= 0 {
                tags[i] = tag
                tag = Int(back[i][tag])
                i -= 1
            }
        }
    }
}
