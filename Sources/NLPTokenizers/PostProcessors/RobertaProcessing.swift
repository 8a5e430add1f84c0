/// RoBERTa's special tokens: `<s> A </s>` and `<s> A </s> </s> B </s>`, every segment id 0; trims
/// the spaces out of the offsets like ByteLevel.
public struct RobertaProcessing: PostProcessor {
    public let separator: (token: String, id: Int)
    public let classifier: (token: String, id: Int)
    public let trimOffsets: Bool
    public let addPrefixSpace: Bool

    public init(separator: (String, Int) = ("</s>", 2), classifier: (String, Int) = ("<s>", 0),
                trimOffsets: Bool = true, addPrefixSpace: Bool = true) {
        self.separator = separator
        self.classifier = classifier
        self.trimOffsets = trimOffsets
        self.addPrefixSpace = addPrefixSpace
    }

    public var json: JSON {
        .object(["type": "RobertaProcessing", "sep": [.string(separator.token), JSON(separator.id)],
                 "cls": [.string(classifier.token), JSON(classifier.id)], "trim_offsets": .bool(trimOffsets),
                 "add_prefix_space": .bool(addPrefixSpace)])
    }

    public func addedTokenCount(isPair: Bool) -> Int { isPair ? 4 : 2 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var encodings = encodings
        if trimOffsets {
            for k in encodings.indices { ByteLevelProcessing.trimOffsets(&encodings[k], addPrefixSpace: addPrefixSpace) }
        }
        for k in encodings.indices { encodings[k].setTypeIDs(0) }
        guard addSpecialTokens else { return encodings }
        let cls = [(classifier.token, classifier.id)], sep = [(separator.token, separator.id)]
        return encodings.enumerated().map { i, e in
            func wrap(_ e: Encoding) -> Encoding {
                e.wrapped(prefix: i == 0 ? cls : sep, suffix: sep, prefixType: 0, suffixType: 0,
                          typeID: 0, sequence: i == 0 ? 0 : 1)
            }
            var out = wrap(e)
            out.overflowing = e.overflowing.map(wrap)
            return out
        }
    }
}
