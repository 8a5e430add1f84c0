import NLPTokenizers

/// A corpus as one stream of token ids: each non-blank line is a document, encoded without
/// special tokens and followed by `separator` (end of text, or [SEP] for BERT). Files are read
/// with `LineReader` (split on `\n` only), so every problem names its file and line.
public struct TokenCorpus: Sendable {
    public let tokens: [Int32]
    public let documents: Int
    public let bytes: Int

    /// Longest line accepted: a longer one is almost always a file that is not text.
    public static let maxLineBytes = 4 << 20

    public init(files: [String], tokenizer: Tokenizer, separator: Int32, lossy: Bool = false,
                progress: ((String) -> Void)? = nil) throws {
        var tokens: [Int32] = []
        var documents = 0, bytes = 0
        var lines: [String] = []
        func flush() {
            guard !lines.isEmpty else { return }
            for encoding in tokenizer.encodeBatch(lines, addSpecialTokens: false) where !encoding.ids.isEmpty {
                for id in encoding.ids { tokens.append(Int32(truncatingIfNeeded: id)) }
                tokens.append(separator)
                documents += 1
            }
            lines.removeAll(keepingCapacity: true)
        }
        for file in files {
            let reader = try LineReader(path: file, maxLineBytes: Self.maxLineBytes)
            for line in reader {
                let text = try line.text(lossy: lossy)
                bytes += line.bytes.count
                if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { continue }
                lines.append(text)
                if lines.count == 20_000 {
                    flush()
                    progress?("encoded \(groupedThousands(documents)) lines, \(groupedThousands(tokens.count)) tokens")
                }
            }
            if let error = reader.error {
                throw InputError(file: file, line: error.line, "line is longer than \(Self.maxLineBytes) bytes; expected text")
            }
        }
        flush()
        self.tokens = tokens
        self.documents = documents
        self.bytes = bytes
    }

    public init(tokens: [Int32], documents: Int = 1) {
        self.tokens = tokens
        self.documents = documents
        bytes = 0
    }
}

/// A token stream cut into fixed-length blocks (packed: documents run into each other, so no
/// position is padding), with a held-out share for validation: the last block of every
/// `heldOutEvery` goes to validation, so it samples the whole corpus, not its last file.
public struct PackedBlocks: Sendable {
    /// Tokens per block (a causal block holds one more, the last target).
    public let length: Int
    /// Start offsets into the stream.
    public let train: [Int]
    public let validation: [Int]

    /// `window` tokens per block, blocks `stride` apart (window = stride + 1 for next-token targets).
    public init(streamLength: Int, window: Int, stride: Int, heldOutEvery: Int = 100, maxValidation: Int = 500) {
        precondition(window > 0 && stride > 0, "block window \(window), stride \(stride)")
        length = window
        var starts: [Int] = []
        var start = 0
        while start + window <= streamLength {
            starts.append(start)
            start += stride
        }
        var train: [Int] = [], validation: [Int] = []
        if starts.count >= 2 {
            let every = max(2, min(heldOutEvery, starts.count))
            for (i, s) in starts.enumerated() {
                if i % every == every - 1 && validation.count < maxValidation { validation.append(s) } else { train.append(s) }
            }
        } else {
            train = starts
        }
        self.train = train
        self.validation = validation
    }
}
