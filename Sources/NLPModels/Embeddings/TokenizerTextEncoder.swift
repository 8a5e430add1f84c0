import NLPTokenizers

/// A model folder's tokenizer.json (any Hugging Face pipeline NLPTokenizers reads) as a
/// `TextEncoder`: the post-processor's special tokens, then truncation to `maxLength`.
public struct TokenizerTextEncoder: TextEncoder {
    public let tokenizer: Tokenizer
    /// Batch encoding threads (nil: all the library's threads).
    public var threads: Int?

    public init(tokenizer: Tokenizer, threads: Int? = nil) {
        var tokenizer = tokenizer
        tokenizer.padding = nil  // batches are padded by the model, to their own longest row
        self.tokenizer = tokenizer
        self.threads = threads
    }

    /// Reads `path`; a missing or malformed file is one error naming it.
    public init(tokenizerFile path: String, threads: Int? = nil) throws {
        self.init(tokenizer: try Tokenizer(contentsOfFile: path), threads: threads)
    }

    public func encodeBatch(_ texts: [String], maxLength: Int) throws -> [[Int32]] {
        var tokenizer = tokenizer
        tokenizer.truncation = Truncation(maxLength: maxLength)
        return tokenizer.encodeBatch(texts, threads: threads).map { $0.ids.map { Int32(truncatingIfNeeded: $0) } }
    }
}
