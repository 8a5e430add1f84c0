import NLPTokenizers

/// Turns tokens into text as they come: each token's new text is what decoding all the recent
/// tokens adds to decoding them without it. Byte-level BPE tokens can end inside a UTF-8
/// character; their text waits (empty pieces) until the character is complete, so the pieces
/// concatenate to the decoded whole. Only a short window of tokens is decoded per token.
public struct TextStream {
    public let tokenizer: Tokenizer
    private var ids: [Int] = []
    /// ids[prefix..<read] is decoded context for the tokens after `read`, already emitted.
    private var prefix = 0, read = 0

    public init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// The text `id` adds ("" while it ends inside a character, or for a special token).
    public mutating func append(_ id: Int32) -> String {
        ids.append(Int(id))
        let before = read > prefix ? tokenizer.decode(Array(ids[prefix..<read])) : ""
        let after = tokenizer.decode(Array(ids[prefix...]))
        guard after.utf8.count > before.utf8.count, after.unicodeScalars.last != "\u{FFFD}" else { return "" }
        prefix = read
        read = ids.count
        // The window's text before the new tokens is a prefix of its text with them for every
        // decoder NLPKit's causal tokenizers use (byte-level, character, Metaspace).
        return String(decoding: after.utf8.dropFirst(before.utf8.count), as: UTF8.self)
    }
}
