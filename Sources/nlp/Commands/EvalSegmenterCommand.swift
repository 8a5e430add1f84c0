import ArgumentParser
import Foundation
import NLPKit

/// `nlp eval-segmenter`: precision, recall, F1, OOV and IV recall by words, as the SIGHAN 2005
/// `score` script counts them.
struct EvalSegmenterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-segmenter",
        abstract: "Score a segmenter against gold segmented text (SIGHAN 2005 counting).",
        discussion: "Segments TEST (raw text, one sentence a line) with the chosen segmenter, or scores TEST as it is with --segmented, against GOLD line by line.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var segmenter: SegmenterOptions

    @Option(help: "Gold segmentation, aligned with TEST line by line.")
    var gold: String

    @Option(help: "Training word list (one word a line): gold words not in it are OOV.")
    var words: String?

    @Flag(help: "TEST is already segmented (words separated by spaces): score it as it is.")
    var segmented = false

    @Option(help: "text (a table) or json (one object).")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Test text.")
    var test: String

    func validate() throws {
        if segmented && (segmenter.model != nil || segmenter.mode != nil || segmenter.backend != nil || segmenter.search) {
            throw ValidationError("--segmented scores TEST as it is: it takes no segmenter options")
        }
    }

    func run() throws {
        try global.apply()
        let trainingWords = try words.map { try SegmentationScorer.readTrainingWords(path: $0) }
        let segmenter = segmented ? nil : try self.segmenter.makeSegmenter()
        let goldReader = try openTextInput(gold)
        let testReader = try openTextInput(test)
        var scorer = SegmentationScorer(trainingWords: trainingWords)
        var workspace = ChineseSegmenter.Workspace()
        var ranges: [Range<Int>] = []
        var lines = 0
        let started = Date()
        var bytes = 0
        var differingLines = 0, firstDifferingLine = 0
        while true {
            let goldLine = goldReader.next()
            let testLine = testReader.next()
            if goldLine == nil && testLine == nil { break }
            guard let goldLine, let testLine else {
                if let error = goldReader.error ?? testReader.error { throw error }
                let (short, long) = goldLine == nil ? (gold, test) : (test, gold)
                throw CLIError("\(short): ends at line \(lines + 1) but \(long) goes on; the files must be aligned line by line")
            }
            lines += 1
            let goldText = try goldLine.text()
            let testText = try testLine.text()
            bytes += testLine.bytes.count
            let goldWords = SegmentedCorpus.words(of: goldText)
            let testWords: [String]
            if let segmenter {
                ranges.removeAll(keepingCapacity: true)
                segmenter.wordRanges(in: testText, workspace: &workspace, into: &ranges)
                testWords = testLine.bytes.withUnsafeBufferPointer { b in
                    ranges.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) }
                }
            } else {
                testWords = SegmentedCorpus.words(of: testText)
            }
            // Lines whose characters differ are scored as they are (the bakeoff script does the
            // same; MSR's files move a quotation mark across 16 line ends), but not silently.
            if !goldWords.isEmpty && goldWords.joined() != testWords.joined() {
                if differingLines == 0 { firstDifferingLine = lines }
                differingLines += 1
            }
            scorer.add(gold: goldWords, test: testWords)
        }
        if let error = goldReader.error ?? testReader.error { throw error }
        if differingLines > 0 {
            Log("eval-segmenter").say("note: \(differingLines) line(s) of \(test) hold other characters than \(gold) "
                                      + "(the first: line \(firstDifferingLine)); they are scored as they are")
        }
        let seconds = Date().timeIntervalSince(started)
        let s = scorer.score
        switch format {
        case .text:
            var rows: [(String, String)] = [
                ("precision", Self.format(s.precision)), ("recall", Self.format(s.recall)), ("f1", Self.format(s.f1)),
            ]
            if trainingWords != nil {
                rows += [("oov-rate", Self.format(s.oovRate)), ("oov-recall", Self.format(s.oovRecall)),
                         ("iv-recall", Self.format(s.ivRecall))]
            }
            rows += [("gold-words", "\(s.goldWords)"), ("test-words", "\(s.testWords)"), ("correct-words", "\(s.correctWords)")]
            if trainingWords != nil { rows += [("oov-words", "\(s.oovWords)"), ("correct-oov-words", "\(s.correctOOVWords)")] }
            print(rows.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n"))
        case .json:
            var object: [String: Any] = [
                "precision": s.precision, "recall": s.recall, "f1": s.f1, "gold_words": s.goldWords,
                "test_words": s.testWords, "correct_words": s.correctWords, "lines": lines,
                "seconds": seconds, "bytes": bytes,
            ]
            if trainingWords != nil {
                object["oov_rate"] = s.oovRate
                object["oov_recall"] = s.oovRecall
                object["iv_recall"] = s.ivRecall
                object["oov_words"] = s.oovWords
                object["correct_oov_words"] = s.correctOOVWords
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private static func format(_ x: Double) -> String { String(format: "%.4f", x) }
}
