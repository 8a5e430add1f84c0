/// Boundaries a model learns from its training text and applies whenever it segments, in training
/// and in segmentation alike: a tag dictionary for symbols. For each symbol seen often enough, the
/// places it took in a word (begin, middle, end, alone); a symbol never seen at a place is not put
/// there. Symbols that were always alone (in People's Daily ℃ ● ▲ △ ＊) get forced boundaries on both
/// sides; ／ (１／３, or alone) never begins a word, ％ always ends one.
///
/// A discriminative model cannot learn these from a handful of examples against the thousands of
/// numbers that do join what follows them (１９９８年, ２０％).
public struct SegmenterRules: Equatable {
    /// Places in a word, as bits.
    public struct Places: OptionSet, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let begin = Places(rawValue: 1)
        public static let middle = Places(rawValue: 2)
        public static let end = Places(rawValue: 4)
        public static let alone = Places(rawValue: 8)
        public static let all: Places = [.begin, .middle, .end, .alone]

        /// "BMES" letters.
        public var letters: String {
            zip([Places.begin, .middle, .end, .alone], ["B", "M", "E", "S"]).filter { contains($0.0) }.map(\.1).joined()
        }

        public init(letters: String) {
            var places: Places = []
            for (letter, place) in zip(["B", "M", "E", "S"], [Places.begin, .middle, .end, .alone]) where letters.contains(letter) {
                places.insert(place)
            }
            self = places
        }
    }

    /// The places each symbol (a unit symbol: a normalized scalar, or a repeated-mark code) may take.
    public var symbolPlaces: [UInt32: Places]
    /// Symbols whose only place is alone.
    public let standaloneSymbols: Set<UInt32>

    public init(symbolPlaces: [UInt32: Places] = [:]) {
        self.symbolPlaces = symbolPlaces
        standaloneSymbols = Set(symbolPlaces.filter { $0.value == .alone }.keys)
    }

    public static let none = SegmenterRules()

    /// The places of the symbols seen at least `minimumCount` times.
    public static func learn(from corpus: SegmentedCorpus, minimumCount: Int = 5) -> SegmenterRules {
        var places: [UInt32: Places] = [:]
        var counts: [UInt32: Int] = [:]
        var text = SegmenterText()
        for words in corpus.sentences where !words.isEmpty {
            let unitCounts = text.load(words: words)
            var u = 0
            for count in unitCounts {
                for k in u..<u + count where text.unitKinds[k] == .symbol {
                    let place: Places = count == 1 ? .alone : (k == u ? .begin : (k == u + count - 1 ? .end : .middle))
                    places[text.unitSymbols[k], default: []].insert(place)
                    counts[text.unitSymbols[k], default: 0] += 1
                }
                u += count
            }
        }
        return SegmenterRules(symbolPlaces: places.filter { counts[$0.key, default: 0] >= minimumCount })
    }

    /// The places of a unit with this symbol.
    @inline(__always)
    func places(of symbol: UInt32) -> Places {
        symbolPlaces.isEmpty ? .all : (symbolPlaces[symbol] ?? .all)
    }

    /// For segmenter.json: symbol (the mark, or the mark twice for a run of it) → places.
    var serialized: [String: String] {
        var out: [String: String] = [:]
        for (symbol, places) in symbolPlaces { out[Self.name(of: symbol)] = places.letters }
        return out
    }

    init(serialized: [String: String]) {
        var places: [UInt32: Places] = [:]
        for (name, letters) in serialized {
            let scalars = Array(name.unicodeScalars)
            guard let first = scalars.first else { continue }
            let symbol = scalars.count > 1 ? SegmenterSymbols.repeatedMark + first.value : first.value
            places[symbol] = Places(letters: letters)
        }
        self.init(symbolPlaces: places)
    }

    private static func name(of symbol: UInt32) -> String {
        symbol >= SegmenterSymbols.repeatedMark
            ? String(repeating: String(Unicode.Scalar(symbol - SegmenterSymbols.repeatedMark)!), count: 2)
            : String(Unicode.Scalar(symbol)!)
    }
}
