/// The second stage: cuts the normalized text into pieces ("words") that the model tokenizes one at
/// a time, and remembers where each came from.
///
/// Plugging in a word segmenter (for example a Chinese one) that finds word ranges in a string:
/// conform it to `WordSegmenter` and use `SegmenterPreTokenizer(segmenter)`, alone or inside a
/// `PreTokenizerSequence` (e.g. after `WhitespaceSplit`). Each piece's text is handed to the segmenter
/// as a String; the ranges it returns become the new pieces and text outside every range is dropped.
public protocol PreTokenizer: Sendable {
    func preTokenize(_ text: inout PreTokenizedString)
    /// The tokenizer.json form of this pre-tokenizer.
    var json: JSON { get }
}

extension PreTokenizer {
    /// The pieces of a string with their character offsets (HF's `pre_tokenize_str`).
    public func preTokenize(_ string: String) -> [(text: String, offsets: Range<Int>)] {
        var text = PreTokenizedString(string)
        preTokenize(&text)
        return text.pieces
    }
}

/// A pre-tokenizer that only cuts (no rewriting, no state across pieces) and can hand the words of a
/// piece straight to the model, without building the list of splits.
protocol WordScanner: PreTokenizer {
    /// Calls `body` with the byte range of each word of `bytes`, in order.
    func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void)
    /// True if the words are byte-level (the model reads their bytes as the byte-level alphabet).
    var wordsAreByteLevel: Bool { get }
}

/// What happens to the matched delimiters when a piece is split (HF's `SplitDelimiterBehavior`):
/// for "the-final--countdown" split on "-", removed → the final countdown; isolated → the - final
/// - - countdown; mergedWithPrevious → the- final- - countdown; mergedWithNext → the -final - -countdown;
/// contiguous → the - final -- countdown.
public enum SplitBehavior: String, Sendable {
    case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"

    init(json: JSONField) throws {
        guard let b = SplitBehavior(rawValue: try json.string()) else {
            throw TokenizerFileError(field: json.path, "expected one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")
        }
        self = b
    }

    /// Applies the behaviour to a covering list of (range, isMatch) and adds the kept pieces.
    func apply(_ parts: [(range: Range<Int>, isMatch: Bool)], to sink: inout SplitSink) {
        switch self {
        case .removed:
            for p in parts where !p.isMatch { sink.add(p.range.lowerBound, p.range.upperBound) }
        case .isolated:
            for p in parts { sink.add(p.range.lowerBound, p.range.upperBound) }
        case .contiguous:
            var merged: [Range<Int>] = []
            var previous = false
            for p in parts {
                if p.isMatch == previous, let last = merged.last {
                    merged[merged.count - 1] = last.lowerBound..<p.range.upperBound
                } else {
                    merged.append(p.range)
                }
                previous = p.isMatch
            }
            for r in merged { sink.add(r.lowerBound, r.upperBound) }
        case .mergedWithPrevious:
            var merged: [Range<Int>] = []
            var previous = false
            for p in parts {
                if p.isMatch && !previous, let last = merged.last {
                    merged[merged.count - 1] = last.lowerBound..<p.range.upperBound
                } else {
                    merged.append(p.range)
                }
                previous = p.isMatch
            }
            for r in merged { sink.add(r.lowerBound, r.upperBound) }
        case .mergedWithNext:
            var merged: [Range<Int>] = []
            var previous = false
            for p in parts.reversed() {
                if p.isMatch && !previous, let last = merged.last {
                    merged[merged.count - 1] = p.range.lowerBound..<last.upperBound
                } else {
                    merged.append(p.range)
                }
                previous = p.isMatch
            }
            for r in merged.reversed() { sink.add(r.lowerBound, r.upperBound) }
        }
    }
}

/// Covering lists of (range, isMatch) in HF's `Pattern::find_matches` form.
enum MatchCover {
    /// Each character for which `matches` holds is one match; the runs between are non-matches.
    static func characters(_ bytes: UnsafeBufferPointer<UInt8>, invert: Bool = false,
                           _ matches: (UInt32) -> Bool) -> [(range: Range<Int>, isMatch: Bool)] {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return [(0..<0, false)] }
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var last = 0, i = 0
        while i < bytes.count {
            let (c, n) = UTF8Scalars.decode(p, at: i)
            if matches(c) != invert {
                if last < i { parts.append((last..<i, false)) }
                parts.append((i..<i + n, true))
                last = i + n
            }
            i += n
        }
        if last < bytes.count { parts.append((last..<bytes.count, false)) }
        return parts
    }

    /// Regex or literal matches and the gaps between them (`invert` swaps the two).
    static func pattern(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: CompiledPattern,
                        invert: Bool = false) -> [(range: Range<Int>, isMatch: Bool)] {
        guard bytes.count > 0 else { return [(0..<0, false)] }
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for m in pattern.matches(in: bytes) {
            if previous != m.lowerBound { parts.append((previous..<m.lowerBound, invert)) }
            parts.append((m, !invert))
            previous = m.upperBound
        }
        if previous != bytes.count { parts.append((previous..<bytes.count, invert)) }
        return parts
    }
}

/// Builds pre-tokenizers from tokenizer.json.
enum PreTokenizerCoding {
    static let types = ["BertPreTokenizer", "Whitespace", "WhitespaceSplit", "ByteLevel", "Punctuation",
                        "Digits", "Split", "Metaspace", "CharDelimiterSplit", "Sequence"]

    static func load(_ json: JSONField) throws -> PreTokenizer? {
        if json.isNull { return nil }
        switch try json.type() {
        case "BertPreTokenizer": return BertPreTokenizer()
        case "Whitespace": return Whitespace()
        case "WhitespaceSplit": return WhitespaceSplit()
        case "ByteLevel":
            return ByteLevel(addPrefixSpace: try json.optional("add_prefix_space").bool(default: true),
                             trimOffsets: try json.optional("trim_offsets").bool(default: true),
                             useRegex: try json.optional("use_regex").bool(default: true))
        case "Punctuation":
            let behavior = json.has("behavior") ? try SplitBehavior(json: json.field("behavior")) : .isolated
            return Punctuation(behavior: behavior)
        case "Digits":
            return Digits(individualDigits: try json.optional("individual_digits").bool(default: false))
        case "Split":
            let patternField = try json.field("pattern")
            do {
                return try SplitPreTokenizer(pattern: Pattern(json: patternField),
                                             behavior: SplitBehavior(json: json.field("behavior")),
                                             invert: try json.optional("invert").bool(default: false))
            } catch let e as TokenizerFileError where e.field.isEmpty {
                throw TokenizerFileError(field: patternField.path, e.message)
            }
        case "Metaspace":
            return try Metaspace(json: json)
        case "CharDelimiterSplit":
            let d = try json.field("delimiter").string()
            guard d.unicodeScalars.count == 1 else {
                throw TokenizerFileError(field: "\(json.path).delimiter", "expected a single character")
            }
            return CharDelimiterSplit(d.unicodeScalars.first!)
        case "Sequence":
            return PreTokenizerSequence(try json.field("pretokenizers").array().compactMap { try load($0) })
        default:
            try json.unknownType("pre-tokenizer", known: types)
        }
    }
}
