import ArgumentParser
import Foundation
import NLPKit

/// `nlp eval`: a classifier's accuracy, macro-F1, per-class precision / recall / F1 and confusion
/// matrix on labelled rows.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a fine-tuned classifier on rows `text<TAB>label` (accuracy, macro-F1, per class, confusion), or a translation model on rows `source<TAB>target` (BLEU, chrF).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Classifier folder (from nlp finetune).")
    var model: String

    @Option(help: "text or json.")
    var format: Format = .text

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping at it.")
    var lossy = false

    @Argument(help: "Labelled rows, TSV.")
    var test: String

    func run() throws {
        try global.apply()
        if TranslationRecipe.isTranslationModel(folder: model) {
            return try TranslationEvaluation.run(model: model, test: test, json: format == .json, lossy: lossy)
        }
        let classifier = try TextClassifier(folder: model)
        let table = try LabeledTextFile(path: test, lossy: lossy)
        try table.requireLabels(in: classifier.labels)
        let index = Dictionary(uniqueKeysWithValues: classifier.labels.enumerated().map { ($1, $0) })
        let probabilities = classifier.probabilities(table.examples.map(\.text),
                                                     pairs: table.columns == 3 ? table.examples.map { $0.pair! } : nil)
        let predicted = probabilities.map { p in p.indices.max { p[$0] < p[$1] }! }
        let report = ClassificationReport(labels: classifier.labels, gold: table.examples.map { index[$0.label]! },
                                          predicted: predicted)
        print(format == .json ? report.json : report.text)
    }
}
