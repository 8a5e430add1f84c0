/// Several pre-tokenizers, one after the other.
public struct PreTokenizerSequence: PreTokenizer {
    public let preTokenizers: [PreTokenizer]
    public init(_ preTokenizers: [PreTokenizer]) { self.preTokenizers = preTokenizers }
    public var json: JSON { .object(["type": "Sequence", "pretokenizers": .array(preTokenizers.map(\.json))]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        for p in preTokenizers {
            // A stage after ByteLevel sees the mapped characters, as in HF.
            text.materializeByteLevel()
            p.preTokenize(&text)
        }
    }
}
