import ArgumentParser
import Foundation
import NLPKit

/// `nlp embed`: one sentence embedding per input line, in input order, computed as the model
/// folder's sentence-transformers config says (all-MiniLM-L6-v2: mean pooling over the attention
/// mask, then L2 normalization). Lines are read in chunks, each chunk sorted by length into batches.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence embeddings, one per input line.",
        discussion: """
            Reads FILE (or standard input) line by line and writes one vector per line: tab-separated \
            floats (tsv) or a JSON array (jsonl). The model folder holds config.json, model.safetensors \
            and tokenizer.json, and optionally sentence-transformers' modules.json, 1_Pooling/ and \
            sentence_bert_config.json.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case tsv, jsonl
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Model folder (e.g. models/all-MiniLM-L6-v2).")
    var model: String

    @Option(help: "Output format: tsv or jsonl.")
    var format: Format = .tsv

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping at it.")
    var lossy = false

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Sentences per batch.")
    var batchSize: Int = 32

    @Argument(help: "Text file, or - for standard input.")
    var file: String = "-"

    /// Lines embedded together: enough for the length-sorted batches to be tight, bounded memory.
    static let chunkLines = 8192

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        try global.apply()
        let embedder = try SentenceEmbedder(folder: model)
        let encoder = try TokenizerTextEncoder(tokenizerFile: ModelFolder.path(model, ModelFolder.tokenizerFile))
        try ModelFolder.checkTokenizer(encoder.tokenizer, fitsVocabulary: embedder.model.config.vocabSize, in: model)
        let reader = try openTextInput(file, lossy: lossy)
        var output = EmbeddingOutput(format: format)
        var chunk: [String] = []
        func flush() throws {
            guard !chunk.isEmpty else { return }
            let vectors = embedder.embed(try encoder.encodeBatch(chunk, maxLength: embedder.maxLength), batchSize: batchSize)
            for row in 0..<chunk.count { output.write(vectors.data + row * embedder.dimension, count: embedder.dimension) }
            chunk.removeAll(keepingCapacity: true)
        }
        for line in reader {
            chunk.append(try line.text(lossy: lossy))
            if chunk.count == Self.chunkLines { try flush() }
        }
        if let error = reader.error { throw error }
        try flush()
        output.flush()
    }
}

/// Vectors as text lines on standard output, buffered.
struct EmbeddingOutput {
    let format: EmbedCommand.Format
    private var buffer: [UInt8] = []

    init(format: EmbedCommand.Format) {
        self.format = format
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ vector: UnsafePointer<Float>, count: Int) {
        let separator: [UInt8] = format == .tsv ? [0x09] : [0x2C, 0x20]
        if format == .jsonl { buffer.append(0x5B) }
        for i in 0..<count {
            if i > 0 { buffer += separator }
            buffer += "\(vector[i])".utf8
        }
        if format == .jsonl { buffer.append(0x5D) }
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, stdout) }
        buffer.removeAll(keepingCapacity: true)
        fflush(stdout)
    }
}
