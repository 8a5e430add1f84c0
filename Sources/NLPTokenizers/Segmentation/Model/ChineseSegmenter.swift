import Foundation

/// Chinese word segmentation, the one entry point: dictionary mode (fast, jieba's algorithm),
/// tagger mode (accurate, an averaged-perceptron character tagger) or ICU's word break.
///
/// Words come back as UTF-8 byte ranges into the ORIGINAL text (`wordRanges`), so a tokenizer
/// pipeline can keep offsets; spaces never become words; Latin words, numbers (full-width, with
/// decimals), URLs and e-mail addresses stay whole; closed punctuation is always a word of its own.
/// The segmenter is immutable and can be shared between threads; give each thread its own
/// `Workspace` when calling the workspace variant in a loop.
public struct ChineseSegmenter {
    public enum Mode: String, CaseIterable {
        case dictionary = "dict"
        case tagger
    }

    public enum Backend {
        case dictionary(DictionarySegmenter)
        case tagger(CharacterTagger)
        case icu(ICUWordSegmenter)
    }

    public let backend: Backend
    /// Dictionary mode only: also emit the dictionary words inside long words, before each word.
    public var searchMode = false

    public init(backend: Backend, searchMode: Bool = false) {
        self.backend = backend
        self.searchMode = searchMode
    }

    /// A segmenter of `model` in `mode` (tagger mode needs a tagger model).
    public init(model: SegmenterModel, mode: Mode, searchMode: Bool = false) throws {
        switch mode {
        case .dictionary:
            backend = .dictionary(DictionarySegmenter(dictionary: model.dictionary, hmm: model.hmm, rules: model.rules))
        case .tagger:
            guard let tagger = model.tagger else {
                throw SegmenterError.noTagger
            }
            backend = .tagger(tagger)
        }
        self.searchMode = searchMode
    }

    /// ICU's dictionary-based word break (locale zh).
    public static var icu: ChineseSegmenter { ChineseSegmenter(backend: .icu(ICUWordSegmenter())) }

    /// Buffers reused from call to call.
    public struct Workspace {
        var text = SegmenterText()
        var dictionary = DictionarySegmenter.Workspace()
        var tagger = CharacterTagger.Workspace()
        var units: [Range<Int>] = []
        public init() {}
    }

    /// The words of `text` as UTF-8 byte ranges into it.
    public func wordRanges(in text: String) -> [Range<Int>] {
        var workspace = Workspace()
        var ranges: [Range<Int>] = []
        wordRanges(in: text, workspace: &workspace, into: &ranges)
        return ranges
    }

    /// The words of `text`.
    public func words(in text: String) -> [Substring] {
        let utf8 = text.utf8
        return wordRanges(in: text).map { r in
            Substring(utf8[utf8.index(utf8.startIndex, offsetBy: r.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: r.upperBound)])
        }
    }

    /// Appends the words of `text` as UTF-8 byte ranges into it, reusing `workspace`.
    public func wordRanges(in text: String, workspace w: inout Workspace, into ranges: inout [Range<Int>]) {
        if case .icu(let icu) = backend {
            icu.wordRanges(in: text, into: &ranges)
            return
        }
        w.text.rules = rules
        w.text.load(text)
        appendUnitRanges(&w)
        for units in w.units { ranges.append(w.text.utf8Range(units: units)) }
    }

    /// Appends the words of a line of valid UTF-8 as byte ranges into it.
    public func wordRanges(utf8 bytes: UnsafeBufferPointer<UInt8>, workspace w: inout Workspace, into ranges: inout [Range<Int>]) {
        if case .icu = backend {
            wordRanges(in: String(decoding: bytes, as: UTF8.self), workspace: &w, into: &ranges)
            return
        }
        w.text.rules = rules
        w.text.load(utf8: bytes)
        appendUnitRanges(&w)
        for units in w.units { ranges.append(w.text.utf8Range(units: units)) }
    }

    /// The boundary rules of the backend's model.
    private var rules: SegmenterRules {
        switch backend {
        case .dictionary(let segmenter): return segmenter.rules
        case .tagger(let tagger): return tagger.rules
        case .icu: return .none
        }
    }

    private func appendUnitRanges(_ w: inout Workspace) {
        w.units.removeAll(keepingCapacity: true)
        switch backend {
        case .dictionary(let segmenter):
            if searchMode {
                segmenter.segmentForSearch(w.text, workspace: &w.dictionary, into: &w.units)
            } else {
                segmenter.segment(w.text, workspace: &w.dictionary, into: &w.units)
            }
        case .tagger(let tagger):
            tagger.segment(w.text, workspace: &w.tagger, into: &w.units)
        case .icu:
            break
        }
    }

    /// The same segmenter with user words added to its dictionary (dictionary and tagger modes; ICU
    /// ignores them). A word without a frequency gets the smallest one that makes the dictionary
    /// segmenter keep it whole, as jieba's `suggest_freq` does.
    public func addingWords(_ entries: [(word: String, frequency: Double?)]) -> ChineseSegmenter {
        switch backend {
        case .icu:
            return self
        case .dictionary(let segmenter):
            let dictionary = Self.dictionary(segmenter.dictionary, adding: entries, hmm: segmenter.hmm, rules: segmenter.rules)
            return ChineseSegmenter(backend: .dictionary(DictionarySegmenter(dictionary: dictionary, hmm: segmenter.hmm,
                                                                             rules: segmenter.rules)),
                                    searchMode: searchMode)
        case .tagger(let tagger):
            let dictionary = Self.dictionary(tagger.dictionary, adding: entries, hmm: nil, rules: tagger.rules)
            return ChineseSegmenter(backend: .tagger(tagger.with(dictionary: dictionary)), searchMode: searchMode)
        }
    }

    private static func dictionary(_ base: SegmenterDictionary, adding entries: [(word: String, frequency: Double?)],
                                   hmm: SegmenterHMM?, rules: SegmenterRules) -> SegmenterDictionary {
        let segmenter = DictionarySegmenter(dictionary: base, hmm: hmm, rules: rules)
        var workspace = DictionarySegmenter.Workspace()
        var text = SegmenterText()
        text.rules = rules
        var units: [Range<Int>] = []
        let resolved: [(word: String, frequency: Double)] = entries.map { entry in
            if let f = entry.frequency { return (word: entry.word, frequency: f) }
            // P(word) must beat the product of the pieces it is cut into now.
            text.load(entry.word)
            units.removeAll(keepingCapacity: true)
            segmenter.segment(text, workspace: &workspace, into: &units)
            var logP = 0.0
            let utf8 = Array(entry.word.utf8)
            for piece in units {
                let w = String(decoding: utf8[text.utf8Range(units: piece)], as: UTF8.self)
                logP += log((base.frequency(of: w) ?? 1) / max(base.totalFrequency, 1))
            }
            let suggested = exp(logP) * max(base.totalFrequency, 1)
            return (word: entry.word, frequency: max(suggested + 1, base.frequency(of: entry.word) ?? 1, 3))
        }
        return base.adding(resolved)
    }
}

public enum SegmenterError: Error, CustomStringConvertible {
    case noTagger

    public var description: String {
        switch self {
        case .noTagger: return "this segmenter model has no tagger (train it with --mode tagger, or use --mode dict)"
        }
    }
}
