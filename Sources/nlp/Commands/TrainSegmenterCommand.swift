import ArgumentParser
import Foundation
import NLPKit

/// `nlp train-segmenter`: a segmenter model from segmented text (words separated by spaces, one
/// sentence a line).
struct TrainSegmenterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-segmenter",
        abstract: "Train a Chinese word segmenter on segmented text.",
        discussion: "dict: word frequencies and an HMM for unknown words (seconds). tagger: also an averaged-perceptron character tagger (minutes).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "dict or tagger.")
    var mode: ChineseSegmenter.Mode = .tagger

    @Option(name: .shortAndLong, help: "Output model folder.")
    var output: String

    @Option(parsing: .unconditional, help: "Tagger: passes over the training text.")
    var epochs = 10

    @Option(parsing: .unconditional, help: "Tagger: log2 of the number of feature buckets.")
    var hashBits = 22

    @Option(parsing: .unconditional, help: "Tagger: blocks for the jackknifed dictionary features.")
    var folds = 10

    @Option(parsing: .unconditional, help: "Tagger: 4 (B M E S) or 6 (B B2 B3 M E S) tags.")
    var tags = 6

    @Option(parsing: .unconditional, help: "Tagger: leave out feature rows whose largest weight is below this (smaller model).")
    var prune: Float = 1

    @Option(help: "Tagger: seed of the shuffles.")
    var seed: UInt64 = 1

    @Option(help: "Tagger: segmented sentences scored after each epoch (never trained on).")
    var heldOut: String?

    @Option(help: ArgumentHelp("Word list of the target segmentation standard: the corpus is re-segmented towards it first.",
                               discussion: "Words not in the list are split into listed words where they can be."))
    var standardWords: String?

    @Argument(help: "Segmented training text.")
    var corpus: [String]

    func validate() throws {
        guard !corpus.isEmpty else { throw ValidationError("give at least one CORPUS file") }
        guard (1...200).contains(epochs) else { throw ValidationError("--epochs must be between 1 and 200") }
        guard (16...26).contains(hashBits) else { throw ValidationError("--hash-bits must be between 16 and 26") }
        guard (1...100).contains(folds) else { throw ValidationError("--folds must be between 1 and 100") }
        guard TaggerTagSet(rawValue: tags) != nil else { throw ValidationError("--tags must be 4 or 6") }
        guard prune >= 0 && prune.isFinite else { throw ValidationError("--prune must be 0 or more") }
    }

    func run() throws {
        try global.apply()
        let started = Date()
        var corpus = try SegmentedCorpus(paths: self.corpus)
        guard corpus.wordCount > 0 else { throw CLIError("\(self.corpus[0]): no words to train on") }
        var names = self.corpus.map { URL(fileURLWithPath: $0).lastPathComponent }
        log("read \(corpus.sentences.count) sentences, \(corpus.wordCount) words")
        if let standardWords {
            let (adapted, splits) = corpus.adapted(to: try SegmentationScorer.readTrainingWords(path: standardWords))
            corpus = adapted
            names.append("standard: " + URL(fileURLWithPath: standardWords).lastPathComponent)
            log("re-segmented towards \(standardWords): \(splits) words split")
        }
        let model: SegmenterModel
        switch mode {
        case .dictionary:
            model = SegmenterModel.trainDictionary(corpus: corpus, names: names)
        case .tagger:
            var options = TaggerTrainer.Options()
            options.epochs = epochs
            options.hashBits = hashBits
            options.folds = folds
            options.seed = seed
            options.tagSet = TaggerTagSet(rawValue: tags)!
            options.pruneBelow = prune
            let heldOut = try self.heldOut.map { try SegmentedCorpus(paths: [$0]) }
            model = SegmenterModel.trainTagger(corpus: corpus, names: names, options: options, heldOut: heldOut) { p in
                var line = "epoch \(p.epoch)/\(p.epochs)  accuracy \(Self.decimal(p.trainingAccuracy, 4))  \(Self.decimal(p.seconds, 1)) s"
                if let s = p.heldOut {
                    line += "  held-out P \(Self.decimal(s.precision, 4)) R \(Self.decimal(s.recall, 4)) F1 \(Self.decimal(s.f1, 4))"
                }
                log(line)
            }
        }
        try model.write(to: output)
        log("wrote \(output) (\(model.dictionary.count) words) in \(Self.decimal(Date().timeIntervalSince(started), 1)) s")
    }

    /// `x` with `digits` decimals.
    static func decimal(_ x: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", x)
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data(("train-segmenter: " + line + "\n").utf8))
    }
}
