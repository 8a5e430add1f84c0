/// Accurate mode: a linear-chain tagger that gives each unit a tag (B/M/E/S, or the six-tag set). The
/// score of a tag sequence is the sum of the weights of each unit's hashed features for its tag plus
/// the weights of the tag transitions (trained as an averaged structured perceptron, see
/// `TaggerTrainer`); Viterbi finds the best sequence that respects the forced boundaries.
public struct CharacterTagger {
    public let dictionary: SegmenterDictionary
    public let features: TaggerFeatures
    public let tagSet: TaggerTagSet
    /// A row of tag scores per feature bucket (lanes as in `TaggerTagSet`), as half floats.
    let weights: TaggerWeights
    /// `transition[from]`: the scores of each next tag.
    let transition: [SIMD8<Float>]
    /// Scores of the first tag of a line.
    let start: SIMD8<Float>
    /// The boundary rules texts must be loaded with (`SegmenterText.rules`).
    public let rules: SegmenterRules

    init(dictionary: SegmenterDictionary, features: TaggerFeatures, tagSet: TaggerTagSet, weights: TaggerWeights,
         transition: [SIMD8<Float>], start: SIMD8<Float>, rules: SegmenterRules) {
        precondition(weights.bucketCount == features.bucketCount && transition.count == 8)
        self.dictionary = dictionary
        self.features = features
        self.tagSet = tagSet
        self.weights = weights
        self.transition = transition
        self.start = start
        self.rules = rules
    }

    /// The same tagger reading its dictionary features from another dictionary (for example one with
    /// user words added).
    public func with(dictionary: SegmenterDictionary) -> CharacterTagger {
        CharacterTagger(dictionary: dictionary, features: features, tagSet: tagSet, weights: weights,
                        transition: transition, start: start, rules: rules)
    }

    /// Buffers reused from line to line.
    public struct Workspace {
        var features = TaggerFeatures.Workspace()
        var buckets: [UInt32] = []
        var emissions: [SIMD8<Float>] = []
        var masks: [SIMD8<Float>] = []
        var viterbi = Viterbi()
        public init() {}
    }

    /// Appends the words of `text` as unit ranges.
    public func segment(_ text: SegmenterText, workspace w: inout Workspace, into words: inout [Range<Int>]) {
        let n = text.unitCount
        if n == 0 { return }
        features.extract(text, dictionary: dictionary, workspace: &w.features, into: &w.buckets)
        Self.emissions(buckets: w.buckets, weights: weights, count: n, into: &w.emissions)
        tagSet.placeMasks(text, rules: rules, into: &w.masks)
        w.viterbi.decode(emissions: w.emissions, masks: w.masks, forcedBreaks: text.forcedBreaks, transition: transition,
                         start: start, tagSet: tagSet)
        var wordStart = 0
        for i in 0..<n where TaggerTagSet.endsWord(w.viterbi.tags[i]) {
            words.append(wordStart..<i + 1)
            wordStart = i + 1
        }
    }

    /// The sum of the weight rows of each unit's buckets.
    static func emissions(buckets: [UInt32], weights: TaggerWeights, count n: Int, into out: inout [SIMD8<Float>]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(n)
        let k = TaggerFeatures.count
        buckets.withUnsafeBufferPointer { b in
        weights.withLookup { wt in
            var p = 0
            for _ in 0..<n {
                // Two sums, so that the loads of both halves of the features overlap.
                var sum0 = SIMD8<Float>.zero, sum1 = SIMD8<Float>.zero
                var j = 0
                while j + 1 < k {
                    sum0 += SIMD8<Float>(wt(Int(b[p + j])))
                    sum1 += SIMD8<Float>(wt(Int(b[p + j + 1])))
                    j += 2
                }
                if j < k { sum0 += SIMD8<Float>(wt(Int(b[p + j]))) }
                p += k
                out.append(sum0 + sum1)
            }
        }}
    }

    /// The same for the single-precision weights of training.
    static func emissions(buckets: [UInt32], weights: [SIMD8<Float>], count n: Int, into out: inout [SIMD8<Float>]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(n)
        let k = TaggerFeatures.count
        buckets.withUnsafeBufferPointer { b in
        weights.withUnsafeBufferPointer { wt in
            var p = 0
            for _ in 0..<n {
                var sum = SIMD8<Float>.zero
                for j in 0..<k { sum += wt[Int(b[p + j])] }
                p += k
                out.append(sum)
            }
        }}
    }

    /// First-order Viterbi over the tag set with the transitions a segmentation allows and the
    /// forced boundaries: a unit after a forced boundary begins a word, a unit before one ends a word.
    struct Viterbi {
        private(set) var tags: [Int] = []
        private var back: [SIMD8<Int32>] = []

        /// `masks` are added to the emissions (−∞ where a tag is ruled out).
        mutating func decode(emissions: [SIMD8<Float>], masks: [SIMD8<Float>], forcedBreaks: [Bool], transition: [SIMD8<Float>],
                             start: SIMD8<Float>, tagSet: TaggerTagSet) {
            let n = emissions.count
            let follows = tagSet.follows
            let rows = (0..<8).map { transition[$0] + follows[$0] }
            let afterBreak = tagSet.afterBreak, beforeBreak = tagSet.beforeBreak
            let tagCount = tagSet.count
            back.removeAll(keepingCapacity: true)
            back.reserveCapacity(n)
            var score = start + emissions[0] + masks[0] + afterBreak + tagSet.used
            if forcedBreaks[1] { score += beforeBreak }
            back.append(.zero)
            for i in 1..<max(n, 1) {
                var best = score[0] + rows[0]
                var from = SIMD8<Int32>(repeating: 0)
                for p in 1..<tagCount {
                    let candidate = score[p] + rows[p]
                    let better = candidate .> best
                    best.replace(with: candidate, where: better)
                    from.replace(with: SIMD8(repeating: Int32(p)), where: better)
                }
                score = best + emissions[i] + masks[i]
                if forcedBreaks[i] { score += afterBreak }
                if forcedBreaks[i + 1] { score += beforeBreak }
                back.append(from)
            }
            // The last unit ends a word (the end of the line is a forced boundary).
            var tag = 0
            for t in 1..<tagCount where score[t] > score[tag] { tag = t }
            tags.removeAll(keepingCapacity: true)
            tags.append(contentsOf: repeatElement(0, count: n))
            var i = n - 1
            while i >= 0 {
                tags[i] = tag
                tag = Int(back[i][tag])
                i -= 1
            }
        }
    }
}
