/// Boundaries a model learns from its training text and applies whenever a line is split into
/// units, in training and in segmentation alike.
public struct SegmenterRules: Equatable {
    /// Symbols (normalized scalars) that the training text always writes as a word by themselves
    /// (in People's Daily ℃ ● ▲ △ ＊): they get forced boundaries on both sides. A discriminative
    /// model cannot learn this from a handful of examples against the thousands of numbers that do
    /// join what follows them (１９９８年, ２０％).
    public var standaloneSymbols: Set<UInt32>

    public init(standaloneSymbols: Set<UInt32> = []) {
        self.standaloneSymbols = standaloneSymbols
    }

    public static let none = SegmenterRules()

    /// Symbols seen at least `minimumCount` times, always as a word of their own.
    public static func learn(from corpus: SegmentedCorpus, minimumCount: Int = 5) -> SegmenterRules {
        var alone: [UInt32: Int] = [:]
        var inside = Set<UInt32>()
        var text = SegmenterText()
        for words in corpus.sentences where !words.isEmpty {
            let unitCounts = text.load(words: words)
            var u = 0
            for count in unitCounts {
                for k in u..<u + count where text.unitKinds[k] == .symbol {
                    if count == 1 { alone[text.unitSymbols[k], default: 0] += 1 } else { inside.insert(text.unitSymbols[k]) }
                }
                u += count
            }
        }
        return SegmenterRules(standaloneSymbols: Set(alone.filter { $0.value >= minimumCount && !inside.contains($0.key) }.keys))
    }
}
