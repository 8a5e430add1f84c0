import ArgumentParser
import Foundation
import NLPKit

/// `nlp train-tokenizer`: learns a vocabulary from text files and saves tokenizer.json.
struct TrainTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-tokenizer",
        abstract: "Train a BPE, WordPiece or character-level tokenizer on text files and save it as tokenizer.json.",
        discussion: """
            bpe: GPT-2-style byte-level BPE (special token <|endoftext|>). wordpiece: BERT-style, lowercased \
            unless --cased (special tokens [PAD] [UNK] [CLS] [SEP] [MASK]). char: one token per character \
            (special token [UNK]). Files are read one text a line, split on \\n only.
            """)

    enum Model: String, ExpressibleByArgument, CaseIterable { case bpe, wordpiece, char }

    @Option(help: "bpe, wordpiece or char.")
    var model: Model

    @Option(parsing: .unconditional, help: "The vocabulary size to reach (bpe, wordpiece; char: the most characters to keep).")
    var vocabSize: Int?

    @Option(parsing: .unconditional, help: "Merges (bpe, wordpiece) and characters (char) need at least this many occurrences.")
    var minFrequency: Int?

    @Option(help: "Special tokens, separated by commas (default depends on --model).")
    var specialTokens: String?

    @Option(parsing: .unconditional, help: "wordpiece: the most characters in the initial alphabet.")
    var limitAlphabet: Int = 1000

    @Flag(help: "wordpiece: keep case (BERT cased).")
    var cased = false

    @Flag(help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var lossy = false

    @Option(name: .shortAndLong, help: "Where to write tokenizer.json.")
    var output: String

    @Argument(help: "Text files to learn from.")
    var files: [String]

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one text file to train on") }
        if let v = vocabSize, v < 1 { throw ValidationError("--vocab-size must be positive, got \(v)") }
        if model != .char && vocabSize == nil { throw ValidationError("--vocab-size is required for --model \(model.rawValue)") }
        if let m = minFrequency, m < 0 { throw ValidationError("--min-frequency must not be negative, got \(m)") }
    }

    func run() throws {
        try global.apply()
        for f in files where !FileManager.default.isReadableFile(atPath: f) {
            throw CLIError("\(f): no such readable file")
        }
        let specials = specialTokens.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let started = Date()
        let options = TokenizerTraining.Options(threads: Parallelism.threads, lossy: lossy) { message in
            FileHandle.standardError.write(Data("train-tokenizer: \(message)\n".utf8))
        }
        let tokenizer: Tokenizer
        do {
            switch model {
            case .bpe:
                tokenizer = try TokenizerTraining.byteLevelBPE(
                    files: files, vocabularySize: vocabSize!, minFrequency: Int64(minFrequency ?? 2),
                    specialTokens: specials ?? ["<|endoftext|>"], options: options)
            case .wordpiece:
                tokenizer = try TokenizerTraining.wordPiece(
                    files: files, vocabularySize: vocabSize!, minFrequency: Int64(minFrequency ?? 2), limitAlphabet: limitAlphabet,
                    specialTokens: specials ?? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], lowercase: !cased,
                    options: options)
            case .char:
                tokenizer = try TokenizerTraining.characterLevel(
                    files: files, minFrequency: Int64(minFrequency ?? 1), specialTokens: specials ?? ["[UNK]"],
                    maxVocabularySize: vocabSize, options: options)
            }
            try tokenizer.save(toFile: output)
        } catch let e as InputError {
            throw CLIError(e.description)
        } catch let e as TokenizerFileError {
            throw CLIError(e.description)
        }
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data("train-tokenizer: \(tokenizer.vocabularySize) tokens, saved \(output) (\(String(format: "%.1f", seconds)) s)\n".utf8))
    }
}
