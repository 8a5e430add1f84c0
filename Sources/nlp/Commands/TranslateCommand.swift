import ArgumentParser
import Foundation
import NLPKit

/// `nlp translate`: one translation per input line, in order, by batched beam search.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate text, one sentence a line, with a model from nlp train-translation.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Translation model folder.")
    var model: String

    @Option(parsing: .unconditional, help: "Beam size (1: greedy).")
    var beam = 4

    @Option(parsing: .unconditional, help: "Length penalty α: a hypothesis scores log P / length^α.")
    var lengthPenalty: Double = 1

    @Option(parsing: .unconditional, help: "Most tokens per translation (default: 2 × the source's + 10).")
    var maxLength: Int?

    @Option(parsing: .unconditional, help: "Sentences decoded together.")
    var batchSize = 32

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping at it.")
    var lossy = false

    @Argument(help: "Input file, one sentence a line (default or -: standard input).")
    var input: String?

    func validate() throws {
        if !(1...64).contains(beam) { throw ValidationError("--beam must be between 1 and 64, got \(beam)") }
        if !(1...4096).contains(batchSize) { throw ValidationError("--batch-size must be between 1 and 4096, got \(batchSize)") }
        if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be positive") }
        if !lengthPenalty.isFinite { throw ValidationError("--length-penalty must be a number") }
    }

    func run() throws {
        try global.apply()
        let translator = try Translator(folder: model)
        let reader = try openTextInput(input == "-" ? nil : input, lossy: lossy)
        var lines: [String] = []
        for line in reader {
            var text = try line.text(lossy: lossy)
            if text.hasSuffix("\r") { text.removeLast() }
            lines.append(text)
        }
        if let error = reader.error { throw error }
        let options = BeamSearchOptions(beamSize: beam, lengthPenalty: lengthPenalty, maxLength: maxLength)
        // Blank lines stay blank; the rest are translated together.
        let filled = lines.indices.filter { !lines[$0].unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" } }
        let translations = translator.translate(filled.map { lines[$0] }, options: options, batchSize: batchSize)
        var output = [String](repeating: "", count: lines.count)
        for (i, text) in zip(filled, translations) { output[i] = text }
        FileHandle.standardOutput.write(Data(output.map { $0 + "\n" }.joined().utf8))
    }
}
