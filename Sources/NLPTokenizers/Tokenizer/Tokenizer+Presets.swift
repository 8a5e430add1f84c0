extension Tokenizer {
    /// A BERT WordPiece tokenizer from a vocab.txt, built as HF's `BertWordPieceTokenizer` (and
    /// transformers' `BertTokenizerFast`) builds it: BertNormalizer, BertPreTokenizer, WordPiece,
    /// `[CLS] A [SEP] B [SEP]`, the WordPiece decoder, and the special tokens that are in the file.
    public static func bertWordPiece(vocabularyFile path: String, lowercase: Bool = true, stripAccents: Bool? = nil,
                                     cleanText: Bool = true, handleChineseCharacters: Bool = true,
                                     continuingSubwordPrefix: String = "##") throws -> Tokenizer {
        let entries = try WordPiece.readVocabulary(file: path)
        return try bertWordPiece(vocabulary: entries, lowercase: lowercase, stripAccents: stripAccents, cleanText: cleanText,
                                 handleChineseCharacters: handleChineseCharacters,
                                 continuingSubwordPrefix: continuingSubwordPrefix)
    }

    /// The same from a vocabulary in memory (token, id).
    public static func bertWordPiece(vocabulary entries: [(String, Int)], lowercase: Bool = true, stripAccents: Bool? = nil,
                                     cleanText: Bool = true, handleChineseCharacters: Bool = true,
                                     continuingSubwordPrefix: String = "##") throws -> Tokenizer {
        let model = try WordPiece(vocabulary: entries, unknownToken: "[UNK]", continuingSubwordPrefix: continuingSubwordPrefix)
        guard let sep = model.id(forToken: "[SEP]"), let cls = model.id(forToken: "[CLS]") else {
            throw TokenizerFileError(field: "vocab", "a BERT vocabulary needs [SEP] and [CLS]")
        }
        let special = ["[UNK]", "[SEP]", "[CLS]", "[PAD]", "[MASK]"].filter { model.id(forToken: $0) != nil }
        return Tokenizer(model: model,
                         normalizer: BertNormalizer(cleanText: cleanText, handleChineseCharacters: handleChineseCharacters,
                                                    stripAccents: stripAccents, lowercase: lowercase),
                         preTokenizer: BertPreTokenizer(),
                         postProcessor: BertProcessing(separator: ("[SEP]", sep), classifier: ("[CLS]", cls)),
                         decoder: WordPieceDecoder(prefix: continuingSubwordPrefix),
                         addedTokens: special.map { AddedToken($0, special: true) })
    }
}
