import Dispatch
import Foundation

/// Trains tokenizers from text files (one text a line, split on `\n` only), streaming the files:
/// memory is bounded by the distinct words, not by the corpus.
public enum TokenizerTraining {
    /// Options shared by the training entry points.
    public struct Options: Sendable {
        /// Threads counting words (default: all cores).
        public var threads: Int?
        /// Replace invalid UTF-8 by U+FFFD instead of failing with its line number.
        public var lossy: Bool
        /// Called with a line of progress now and then (e.g. to print on stderr).
        public var progress: (@Sendable (String) -> Void)?

        public init(threads: Int? = nil, lossy: Bool = false, progress: (@Sendable (String) -> Void)? = nil) {
            self.threads = threads
            self.lossy = lossy
            self.progress = progress
        }
    }

    /// A GPT-2-style byte-level BPE tokenizer (ByteLevel pre-tokenizer, post-processor and decoder),
    /// with HF's `ByteLevelBPETokenizer` defaults.
    public static func byteLevelBPE(files: [String], vocabularySize: Int = 30000, minFrequency: Int64 = 2,
                                    specialTokens: [String] = ["<|endoftext|>"], addPrefixSpace: Bool = false,
                                    options: Options = Options()) throws -> Tokenizer {
        let skeleton = Tokenizer(model: try placeholderModel(),
                                 preTokenizer: ByteLevel(addPrefixSpace: addPrefixSpace, trimOffsets: true, useRegex: true))
        let counts = try countWords(files: files, with: skeleton, options: options)
        options.progress?("counted \(counts.distinctWords) distinct words; learning merges")
        let trainer = BPETrainer(vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
                                 initialAlphabet: ByteLevelAlphabet.all)
        let result = trainer.train(counts)
        let model = try BPE(vocabulary: result.vocabulary, merges: result.merges)
        return Tokenizer(model: model, preTokenizer: skeleton.preTokenizer,
                         postProcessor: ByteLevelProcessing(trimOffsets: false, addPrefixSpace: true),
                         decoder: ByteLevelDecoder(), addedTokens: specialTokens.map { AddedToken($0, special: true) })
    }

    /// A BERT-style WordPiece tokenizer (BertNormalizer, BertPreTokenizer, `[CLS] … [SEP]`), with HF's
    /// `BertWordPieceTokenizer` defaults.
    public static func wordPiece(files: [String], vocabularySize: Int = 30000, minFrequency: Int64 = 2,
                                 limitAlphabet: Int = 1000,
                                 specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
                                 lowercase: Bool = true, stripAccents: Bool? = nil, handleChineseCharacters: Bool = true,
                                 options: Options = Options()) throws -> Tokenizer {
        let normalizer = BertNormalizer(cleanText: true, handleChineseCharacters: handleChineseCharacters,
                                        stripAccents: stripAccents, lowercase: lowercase)
        let skeleton = Tokenizer(model: try placeholderModel(), normalizer: normalizer, preTokenizer: BertPreTokenizer())
        let counts = try countWords(files: files, with: skeleton, options: options)
        options.progress?("counted \(counts.distinctWords) distinct words; learning merges")
        let trainer = WordPieceTrainer(vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
                                       limitAlphabet: limitAlphabet)
        let model = try trainer.train(counts)
        guard let sep = model.id(forToken: "[SEP]"), let cls = model.id(forToken: "[CLS]") else {
            throw TokenizerFileError(field: "", "the special tokens must include [SEP] and [CLS]")
        }
        return Tokenizer(model: model, normalizer: normalizer, preTokenizer: BertPreTokenizer(),
                         postProcessor: BertProcessing(separator: ("[SEP]", sep), classifier: ("[CLS]", cls)),
                         decoder: WordPieceDecoder(), addedTokens: specialTokens.map { AddedToken($0, special: true) })
    }

    /// A character-level tokenizer: a WordLevel model over the characters of the corpus, a
    /// pre-tokenizer that splits off every character (`Split` on `.`) and a decoder that joins them.
    public static func characterLevel(files: [String], minFrequency: Int64 = 1, specialTokens: [String] = ["[UNK]"],
                                      unknownToken: String = "[UNK]", maxVocabularySize: Int? = nil,
                                      normalizer: Normalizer? = nil, options: Options = Options()) throws -> Tokenizer {
        let split = try SplitPreTokenizer(pattern: .regex("."), behavior: .isolated)
        let skeleton = Tokenizer(model: try placeholderModel(), normalizer: normalizer, preTokenizer: split)
        let counts = try countWords(files: files, with: skeleton, options: options)
        let specials = specialTokens.contains(unknownToken) ? specialTokens : [unknownToken] + specialTokens
        let vocabulary = CharacterTrainer(minFrequency: minFrequency, specialTokens: specials,
                                          maxVocabularySize: maxVocabularySize).train(counts)
        let model = try WordLevel(vocabulary: vocabulary, unknownToken: unknownToken)
        return Tokenizer(model: model, normalizer: normalizer, preTokenizer: split, decoder: FuseDecoder(),
                         addedTokens: specials.map { AddedToken($0, special: true) })
    }

    /// Counts the words of the files as `tokenizer` pre-tokenizes them, on several threads.
    public static func countWords(files: [String], with tokenizer: Tokenizer, options: Options = Options()) throws -> WordCounts {
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var total = WordCounts()
        var partial = [WordCounts](repeating: WordCounts(), count: threads)
        var lines: [String] = []
        var bytes = 0, lineCount = 0
        let batchLines = 20_000
        func flush() {
            guard !lines.isEmpty else { return }
            let batch = lines
            let chunk = (batch.count + threads - 1) / threads
            partial.withUnsafeMutableBufferPointer { buffer in
                let out = UnsafeSendable(buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let range = (t * chunk)..<min(batch.count, (t + 1) * chunk)
                    guard !range.isEmpty else { return }
                    tokenizer.countWords(in: batch[range], into: &out.value[t])
                }
            }
            lines.removeAll(keepingCapacity: true)
        }
        for file in files {
            let reader = try LineReader(path: file)
            for line in reader {
                lines.append(try line.text(lossy: options.lossy))
                bytes += line.bytes.count
                lineCount += 1
                if lines.count >= batchLines {
                    flush()
                    if lineCount % 200_000 == 0 {
                        options.progress?("read \(lineCount) lines (\(bytes / 1_000_000) MB)")
                    }
                }
            }
            if let error = reader.error { throw error }
        }
        flush()
        for p in partial { total.merge(p) }
        // A vocabulary learned from nothing would be the bare alphabet: say so instead.
        if total.distinctWords == 0 {
            let name = files.joined(separator: ", ")
            throw InputError(file: name, lineCount == 0 ? "is empty; expected text to train on, a text a line"
                                                        : "holds no words to train on (\(lineCount) blank lines)")
        }
        return total
    }

    private static func placeholderModel() throws -> TokenizerModel {
        try WordLevel(vocabulary: [("[UNK]", 0)], unknownToken: "[UNK]")
    }
}
