/// BERT's special tokens: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, segment 1 for B and its [SEP].
public struct BertProcessing: PostProcessor {
    public let separator: (token: String, id: Int)
    public let classifier: (token: String, id: Int)

    public init(separator: (String, Int) = ("[SEP]", 102), classifier: (String, Int) = ("[CLS]", 101)) {
        self.separator = separator
        self.classifier = classifier
    }

    public var json: JSON {
        .object(["type": "BertProcessing", "sep": [.string(separator.token), JSON(separator.id)],
                 "cls": [.string(classifier.token), JSON(classifier.id)]])
    }

    public func addedTokenCount(isPair: Bool) -> Int { isPair ? 3 : 2 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        guard addSpecialTokens else { return encodings }
        let cls = [(classifier.token, classifier.id)], sep = [(separator.token, separator.id)]
        return encodings.enumerated().map { i, e in
            func wrap(_ e: Encoding) -> Encoding {
                i == 0 ? e.wrapped(prefix: cls, suffix: sep, prefixType: 0, suffixType: 0, typeID: nil, sequence: 0)
                       : e.wrapped(prefix: [], suffix: sep, prefixType: 1, suffixType: 1, typeID: nil, sequence: 1)
            }
            var out = wrap(e)
            out.overflowing = e.overflowing.map(wrap)
            return out
        }
    }
}
