import NLPTokenizers

extension ModelFolder {
    /// Throws unless every id `tokenizer` can give has a row in the model's embedding (config.json
    /// `vocab_size`): a tokenizer.json from another model would otherwise fail only on the first
    /// text that reaches one of its extra ids.
    public static func checkTokenizer(_ tokenizer: Tokenizer, fitsVocabulary vocabularySize: Int, in folder: String) throws {
        guard tokenizer.idCount <= vocabularySize else {
            throw ModelError.badConfig(file: path(folder, configFile), key: "vocab_size",
                                       expected: "at least the \(tokenizer.idCount) ids of \(path(folder, tokenizerFile)), not \(vocabularySize)")
        }
    }
}
