/// Learns a WordPiece vocabulary as HF's `WordPieceTrainer` does: BPE training with the continuing
/// prefix on non-initial symbols; the BPE vocabulary becomes the WordPiece vocabulary.
public struct WordPieceTrainer: Sendable {
    public var bpe: BPETrainer

    public init(vocabularySize: Int = 30000, minFrequency: Int64 = 0, specialTokens: [String] = [],
                limitAlphabet: Int? = nil, initialAlphabet: [String] = [], continuingSubwordPrefix: String = "##",
                endOfWordSuffix: String? = nil) {
        bpe = BPETrainer(vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
                         limitAlphabet: limitAlphabet, initialAlphabet: initialAlphabet,
                         continuingSubwordPrefix: continuingSubwordPrefix, endOfWordSuffix: endOfWordSuffix)
    }

    public func train(_ counts: WordCounts, unknownToken: String = "[UNK]") throws -> WordPiece {
        let result = bpe.train(counts)
        return try WordPiece(vocabulary: result.vocabulary, unknownToken: unknownToken,
                             continuingSubwordPrefix: bpe.continuingSubwordPrefix ?? "##")
    }
}

/// A character-level vocabulary: every character seen at least `minFrequency` times (most frequent
/// first, ties in code point order) after the special tokens.
public struct CharacterTrainer: Sendable {
    public var minFrequency: Int64
    public var specialTokens: [String]
    public var maxVocabularySize: Int?

    public init(minFrequency: Int64 = 1, specialTokens: [String] = ["[UNK]"], maxVocabularySize: Int? = nil) {
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.maxVocabularySize = maxVocabularySize
    }

    public func train(_ counts: WordCounts) -> [(String, Int)] {
        var frequency: [String: Int64] = [:]
        for (word, count) in counts.entries {
            for c in word.unicodeScalars { frequency[String(c), default: 0] += count }
        }
        var vocabulary: [(String, Int)] = []
        var seen = Set<String>()
        for t in specialTokens where seen.insert(t).inserted { vocabulary.append((t, vocabulary.count)) }
        let sorted = frequency.filter { $0.value >= minFrequency }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key.unicodeScalars.first!.value < $1.key.unicodeScalars.first!.value
        }
        for (c, _) in sorted where seen.insert(c).inserted {
            if let limit = maxVocabularySize, vocabulary.count >= limit { break }
            vocabulary.append((c, vocabulary.count))
        }
        return vocabulary
    }
}
