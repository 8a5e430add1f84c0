import Foundation

/// Trains a `CharacterTagger` as an averaged structured perceptron (Collins, 2002): decode each
/// sentence with the current weights, and where the best tag sequence differs from the gold one, add
/// the gold features and subtract the predicted ones; the model keeps the average of the weights over
/// all steps (computed lazily: avg = w − Σ step·Δ / steps).
///
/// Dictionary features are jackknifed: the sentences are cut into `folds` contiguous blocks and a
/// sentence sees only the words that occur in the other blocks, so during training the dictionary
/// misses words about as often as it will on new text.
public struct TaggerTrainer {
    public struct Options {
        public var epochs = 10
        public var hashBits = 22
        public var folds = 10
        public var seed: UInt64 = 1
        public var tagSet = TaggerTagSet.six
        /// Feature rows whose largest weight is below this are dropped from the model (a third of
        /// the rows below 1, for −0.0001 F1 on PKU).
        public var pruneBelow: Float = 1
        public init() {}
    }

    /// One line of progress, printed after each epoch.
    public struct Progress {
        public let epoch: Int
        public let epochs: Int
        /// Share of training units whose tag the current weights got right, before each update.
        public let trainingAccuracy: Double
        public let seconds: Double
        /// Precision, recall and F1 on the held-out sentences, when there are any.
        public let heldOut: SegmentationScore?
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Trains on `corpus` (the dictionary holds its words); `heldOut` sentences are scored after each
    /// epoch with the averaged weights and never trained on.
    public func train(corpus: SegmentedCorpus, dictionary: SegmenterDictionary, rules: SegmenterRules = .none,
                      heldOut: SegmentedCorpus? = nil, progress: (Progress) -> Void = { _ in }) -> CharacterTagger {
        let features = TaggerFeatures(hashBits: options.hashBits)
        let k = TaggerFeatures.count
        let sentences = corpus.sentences.filter { !$0.isEmpty }

        // Word counts of each fold, for the jackknifed dictionary.
        let folds = max(1, min(options.folds, sentences.count))
        let foldOf = { (s: Int) in s * folds / max(sentences.count, 1) }
        var foldCounts = [[Int32]](repeating: [Int32](repeating: 0, count: dictionary.count), count: folds)
        var totals = [Int32](repeating: 0, count: dictionary.count)
        for (s, words) in sentences.enumerated() {
            for word in words {
                if let v = dictionary.index(of: word) {
                    foldCounts[foldOf(s)][v] += 1
                    totals[v] += 1
                }
            }
        }

        // Units, gold tags and feature buckets of every sentence, computed once.
        var text = SegmenterText()
        text.rules = rules
        var workspace = TaggerFeatures.Workspace()
        var bucketStore: [[UInt32]] = []
        var goldStore: [[Int]] = []
        let tagSet = options.tagSet
        var breakStore: [[Bool]] = []
        var maskStore: [[SIMD8<Float>]] = []
        var masks: [SIMD8<Float>] = []
        var buckets: [UInt32] = []
        for (s, words) in sentences.enumerated() {
            let unitCounts = text.load(words: words)
            let fold = foldCounts.count > 1 ? foldCounts[foldOf(s)] : nil
            let lexicon: ((Int) -> Bool)? = fold.map { fold in { v in totals[v] > fold[v] } }
            features.extract(text, dictionary: dictionary, isInLexicon: lexicon, workspace: &workspace, into: &buckets)
            bucketStore.append(buckets)
            var gold: [Int] = []
            gold.reserveCapacity(text.unitCount)
            for count in unitCounts where count > 0 { gold.append(contentsOf: tagSet.tags(length: count)) }
            goldStore.append(gold)
            breakStore.append(text.forcedBreaks)
            tagSet.placeMasks(text, rules: rules, into: &masks)
            maskStore.append(masks)
        }
        foldCounts = []

        let heldOutSentences = heldOut?.sentences ?? []
        var state = PerceptronState(bucketCount: features.bucketCount)
        var viterbi = CharacterTagger.Viterbi()
        var emissions: [SIMD8<Float>] = []
        var order = Array(sentences.indices)
        var random = SegmenterRandom(seed: options.seed)
        for epoch in 1...max(options.epochs, 1) {
            let started = Date()
            var correct = 0, total = 0
            // Fisher–Yates with the seeded generator: the same seed gives the same model.
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            for s in order {
                let gold = goldStore[s]
                let n = gold.count
                CharacterTagger.emissions(buckets: bucketStore[s], weights: state.weights, count: n, into: &emissions)
                viterbi.decode(emissions: emissions, masks: maskStore[s], forcedBreaks: breakStore[s], transition: state.transition,
                               start: state.start, tagSet: tagSet)
                let predicted = viterbi.tags
                total += n
                var differs = false
                for i in 0..<n where predicted[i] == gold[i] { correct += 1 }
                for i in 0..<n where predicted[i] != gold[i] { differs = true; break }
                if differs {
                    state.update(buckets: bucketStore[s], featuresPerUnit: k, gold: gold, predicted: predicted)
                }
                state.step += 1
            }
            var score: SegmentationScore?
            if !heldOutSentences.isEmpty {
                let tagger = state.averaged(dictionary: dictionary, features: features, tagSet: tagSet, rules: rules,
                                            pruneBelow: options.pruneBelow)
                score = Self.score(tagger, on: heldOutSentences)
            }
            progress(Progress(epoch: epoch, epochs: options.epochs, trainingAccuracy: Double(correct) / Double(max(total, 1)),
                              seconds: Date().timeIntervalSince(started), heldOut: score))
        }
        return state.averaged(dictionary: dictionary, features: features, tagSet: tagSet, rules: rules,
                              pruneBelow: options.pruneBelow)
    }

    /// Segments the raw text of gold sentences and scores the result.
    static func score(_ tagger: CharacterTagger, on sentences: [[String]]) -> SegmentationScore {
        var scorer = SegmentationScorer(trainingWords: nil)
        var text = SegmenterText()
        text.rules = tagger.rules
        var workspace = CharacterTagger.Workspace()
        var ranges: [Range<Int>] = []
        for gold in sentences {
            let raw = gold.joined()
            text.load(raw)
            ranges.removeAll(keepingCapacity: true)
            tagger.segment(text, workspace: &workspace, into: &ranges)
            let utf8 = Array(raw.utf8)
            let words = ranges.map { String(decoding: utf8[text.utf8Range(units: $0)], as: UTF8.self) }
            scorer.add(gold: gold, test: words)
        }
        return scorer.score
    }
}

/// The weights being trained and their running sums for averaging.
private struct PerceptronState {
    var weights: [SIMD8<Float>]
    var sums: [SIMD8<Double>]
    var transition = [SIMD8<Float>](repeating: .zero, count: 8)
    var transitionSums = [SIMD8<Double>](repeating: .zero, count: 8)
    var start = SIMD8<Float>.zero
    var startSums = SIMD8<Double>.zero
    /// Number of sentences seen (the averaging clock); starts at 1.
    var step: Double = 1

    init(bucketCount: Int) {
        weights = [SIMD8<Float>](repeating: .zero, count: bucketCount)
        sums = [SIMD8<Double>](repeating: .zero, count: bucketCount)
    }

    mutating func update(buckets: [UInt32], featuresPerUnit k: Int, gold: [Int], predicted: [Int]) {
        let step = self.step
        weights.withUnsafeMutableBufferPointer { w in
        sums.withUnsafeMutableBufferPointer { u in
        buckets.withUnsafeBufferPointer { b in
            for i in 0..<gold.count where gold[i] != predicted[i] {
                var delta = SIMD8<Float>.zero
                delta[gold[i]] = 1
                delta[predicted[i]] = -1
                let deltaSum = SIMD8<Double>(delta) * step
                for j in i * k..<(i + 1) * k {
                    let bucket = Int(b[j])
                    w[bucket] += delta
                    u[bucket] += deltaSum
                }
            }
        }}}
        if gold[0] != predicted[0] {
            start[gold[0]] += 1; startSums[gold[0]] += step
            start[predicted[0]] -= 1; startSums[predicted[0]] -= step
        }
        for i in 1..<gold.count where gold[i - 1] != predicted[i - 1] || gold[i] != predicted[i] {
            transition[gold[i - 1]][gold[i]] += 1
            transitionSums[gold[i - 1]][gold[i]] += step
            transition[predicted[i - 1]][predicted[i]] -= 1
            transitionSums[predicted[i - 1]][predicted[i]] -= step
        }
    }

    func averaged(dictionary: SegmenterDictionary, features: TaggerFeatures, tagSet: TaggerTagSet,
                  rules: SegmenterRules, pruneBelow: Float) -> CharacterTagger {
        func average(_ w: SIMD8<Float>, _ u: SIMD8<Double>) -> SIMD8<Float> {
            SIMD8<Float>(SIMD8<Double>(w) - u / step)
        }
        var averagedWeights = [SIMD8<Float>](repeating: .zero, count: weights.count)
        for i in weights.indices where weights[i] != .zero || sums[i] != .zero {
            averagedWeights[i] = average(weights[i], sums[i])
        }
        return CharacterTagger(dictionary: dictionary, features: features, tagSet: tagSet,
                               weights: TaggerWeights(dense: averagedWeights, pruneBelow: pruneBelow),
                               transition: (0..<8).map { average(transition[$0], transitionSums[$0]) },
                               start: average(start, startSums), rules: rules)
    }
}

/// A small seeded generator (Steele, Lea & Flood's SegmenterRandom) for reproducible shuffles.
struct SegmenterRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
