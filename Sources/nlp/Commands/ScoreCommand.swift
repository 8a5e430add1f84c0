import ArgumentParser
import Foundation
import NLPKit

/// `nlp score`: one output line per input line, in order. A classifier writes `label<TAB>probability`
/// (`--all`: every label's probability); a causal language model writes the line's natural-log
/// probability and perplexity. Lines are read in chunks, so memory stays bounded on big files.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score lines with a classifier (label and probability) or a language model (log-probability and perplexity).",
        discussion: """
            A blank input line gives a blank output line. With a classifier, --all writes \
            `label=probability` for every label, tab-separated, in the model's label order. With a GPT or \
            LSTM language model, each line gets `log_probability<TAB>perplexity` (natural log; the line is \
            scored as a document, its closing end-of-text token included).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Model folder (from nlp finetune or nlp pretrain).")
    var model: String

    @Flag(help: "Every label's probability, not only the best one's.")
    var all = false

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping at it.")
    var lossy = false

    @Argument(help: "Text file, or - for standard input.")
    var file: String = "-"

    /// Lines scored together: enough for tight length-sorted batches, bounded memory.
    static let chunkLines = 4096
    /// Longest line accepted: a longer one is almost always a file that is not one text a line.
    static let maxLineBytes = 256 << 10

    func run() throws {
        try global.apply()
        let scorer: (_ texts: [String]) -> [String]
        let config = try ModelFolder.readConfig(model)
        let architectures = (config["architectures"] as? [String]) ?? []
        if architectures.contains("BertForSequenceClassification") {
            let classifier = try TextClassifier(folder: model)
            let labels = classifier.labels
            scorer = { texts in
                classifier.probabilities(texts).map { p in
                    if all { return zip(labels, p).map { "\($0)=\(Self.probability($1))" }.joined(separator: "\t") }
                    let best = p.indices.max { p[$0] < p[$1] }!
                    return "\(labels[best])\t\(Self.probability(p[best]))"
                }
            }
        } else {
            if all { throw CLIError("\(model): --all needs a classifier; this folder holds a language model") }
            let lm = try LanguageModelScorer(folder: model)
            scorer = { texts in
                lm.logProbabilities(texts).map { "\(formatFixed($0.logProbability, digits: 4))\t\(formatFixed(Foundation.exp(-$0.logProbability / Double(max(1, $0.tokens))), digits: 4))" }
            }
        }
        let reader = try openTextInput(file, lossy: lossy, maxLineBytes: Self.maxLineBytes)
        var out = OutputBuffer()
        var chunk: [String] = []
        func flush() throws {
            let texts = chunk.filter { !Self.isBlank($0) }
            var scores = scorer(texts).makeIterator()
            for line in chunk { out.append(Self.isBlank(line) ? "\n" : scores.next()! + "\n") }
            try out.flush()
            fflush(stdout)
            chunk.removeAll(keepingCapacity: true)
        }
        for line in reader {
            chunk.append(try line.text(lossy: lossy))
            if chunk.count == Self.chunkLines { try flush() }
        }
        if let error = reader.error {
            try flush()
            throw InputError(file: reader.name, line: error.line, "line is longer than \(Self.maxLineBytes) bytes; expected one text a line")
        }
        try flush()
    }

    static func isBlank(_ line: String) -> Bool { line.unicodeScalars.allSatisfy { $0.properties.isWhitespace } }

    static func probability(_ p: Float) -> String { formatFixed(Double(p), digits: 4) }
}
