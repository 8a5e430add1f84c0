/// Finds the words of a string: the interface a word segmenter (e.g. for Chinese) implements to run
/// as a pre-tokenizer through `SegmenterPreTokenizer`.
public protocol WordSegmenter: Sendable {
    /// The words of `text`, as ranges of its indices, in order and not overlapping. Characters
    /// outside every range (spaces, say) are dropped.
    func wordRanges(in text: String) -> [Range<String.Index>]
}

/// Runs a `WordSegmenter` on each piece of the text. It has no tokenizer.json form of its own: a
/// tokenizer that uses one is built in code (`Tokenizer(…preTokenizer:…)`), and saving it writes
/// the segmenter's `json` (nil saves no pre-tokenizer).
public struct SegmenterPreTokenizer: PreTokenizer {
    public let segmenter: WordSegmenter
    public let savedForm: JSON

    public init(_ segmenter: WordSegmenter, json: JSON = .null) {
        self.segmenter = segmenter
        self.savedForm = json
    }

    public var json: JSON { savedForm }

    public func preTokenize(_ text: inout PreTokenizedString) {
        text.materializeByteLevel()
        text.split { bytes, sink in
            let string = String(decoding: bytes, as: UTF8.self)
            let utf8 = string.utf8
            for r in segmenter.wordRanges(in: string) {
                sink.add(utf8.distance(from: utf8.startIndex, to: r.lowerBound),
                         utf8.distance(from: utf8.startIndex, to: r.upperBound))
            }
        }
    }
}
