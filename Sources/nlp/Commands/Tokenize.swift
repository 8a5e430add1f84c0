import ArgumentParser
import Foundation
import NLPKit

/// `nlp tokenize`: one output line per input line (lines split on `\n` only; `\r`, NUL and every
/// other character are part of the line's text).
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tokenize text with a tokenizer.json, one output line per input line.",
        discussion: """
            Formats: ids (ids separated by spaces), tokens (tokens separated by spaces, with \\\\, \\n, \\r \
            and \\t escaped), jsonl ({"ids", "tokens", "offsets"}; offsets are character offsets into the line). \
            The tokenizer's own padding and truncation apply only with --pad / --truncate.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case ids, tokens, jsonl }

    @Option(help: "A tokenizer.json file (or a model folder holding one).")
    var tokenizer: String

    @Option(help: "Output format: ids, tokens or jsonl.")
    var format: Format = .ids

    @Flag(help: "Do not add the special tokens ([CLS], [SEP], …).")
    var noSpecial = false

    @Flag(help: "Apply the tokenizer.json's padding settings.")
    var pad = false

    @Flag(help: "Apply the tokenizer.json's truncation settings.")
    var truncate = false

    @Flag(help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var lossy = false

    @Argument(help: "The input text file; - is standard input.")
    var file: String = "-"

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.apply()
        let t = try loadTokenizer(tokenizer, pad: pad, truncate: truncate)
        let reader: LineReader
        do { reader = try openTextInput(file, lossy: lossy) } catch let e as InputError { throw CLIError(e.description) }
        var out = OutputBuffer()
        var batch: [String] = []
        let batchSize = 4096
        func emit() throws {
            let encodings = t.encodeEach(batch, addSpecialTokens: !noSpecial, threads: Parallelism.threads)
            for e in encodings { write(e, &out) }
            batch.removeAll(keepingCapacity: true)
            try out.flush()
        }
        for line in reader {
            do { batch.append(try line.text(lossy: lossy)) } catch let e as InputError {
                try emit()
                throw CLIError(e.description)
            }
            if batch.count == batchSize { try emit() }
        }
        if let error = reader.error {
            try emit()
            throw CLIError(error.description)
        }
        try emit()
    }

    private func write(_ e: Encoding, _ out: inout OutputBuffer) {
        switch format {
        case .ids:
            for (k, id) in e.ids.enumerated() {
                if k > 0 { out.append(0x20) }
                out.append(number: id)
            }
        case .tokens:
            for (k, token) in e.tokens.enumerated() {
                if k > 0 { out.append(0x20) }
                for b in token.utf8 {
                    switch b {
                    case 0x5C: out.append("\\\\")
                    case 0x0A: out.append("\\n")
                    case 0x0D: out.append("\\r")
                    case 0x09: out.append("\\t")
                    default: out.append(b)
                    }
                }
            }
        case .jsonl:
            out.append("{\"ids\":[")
            for (k, id) in e.ids.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(number: id)
            }
            out.append("],\"tokens\":[")
            for (k, token) in e.tokens.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(jsonString: token)
            }
            out.append("],\"offsets\":[")
            for (k, o) in e.offsets.enumerated() {
                if k > 0 { out.append(0x2C) }
                out.append(0x5B); out.append(number: o.start); out.append(0x2C); out.append(number: o.end); out.append(0x5D)
            }
            out.append("]}")
        }
        out.append(0x0A)
    }
}
