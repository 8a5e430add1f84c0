import ArgumentParser
import NLPKit

/// The options that pick a segmenter, shared by `segment` and `eval-segmenter`.
struct SegmenterOptions: ParsableArguments {
    @Option(help: "Segmenter model folder (default: vocab/segmenter-pku).")
    var model: String?

    @Option(help: "dict (fast, jieba's algorithm) or tagger (accurate). Default: tagger when the model has one.")
    var mode: ChineseSegmenter.Mode?

    @Option(help: "icu: ICU's dictionary-based word break instead of a model.")
    var backend: Backend?

    @Option(name: .customLong("dict"), help: "User dictionary: `word [frequency]` lines added to the model's words.")
    var userDictionary: String?

    @Flag(help: "Dictionary mode: also emit the dictionary words inside long words (search engines).")
    var search = false

    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case icu
    }

    func validate() throws {
        if backend == .icu && (model != nil || mode != nil || userDictionary != nil || search) {
            throw ValidationError("--backend icu takes none of --model, --mode, --dict, --search")
        }
        if search && mode == .tagger {
            throw ValidationError("--search works in dictionary mode (--mode dict)")
        }
    }

    func makeSegmenter() throws -> ChineseSegmenter {
        if backend == .icu { return .icu }
        let dictionaryOnly = search || self.mode == .dictionary
        let model = try model.map { try SegmenterModel.load(from: $0, includingTagger: !dictionaryOnly) }
            ?? DefaultSegmenterModel.load(includingTagger: !dictionaryOnly)
        let mode = dictionaryOnly ? .dictionary : (self.mode ?? (model.tagger != nil ? .tagger : .dictionary))
        var segmenter = try ChineseSegmenter(model: model, mode: mode, searchMode: search)
        if let userDictionary {
            segmenter = segmenter.addingWords(try SegmenterDictionary.readEntries(path: userDictionary))
        }
        return segmenter
    }
}

extension ChineseSegmenter.Mode: ExpressibleByArgument {}

/// Buffered writes to standard output (one `fwrite` per 64 KiB).
struct SegmenterOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(_ byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        if buffer.isEmpty { return }
        buffer.withUnsafeBytes { _ = fwrite($0.baseAddress!, 1, $0.count, stdout) }
        buffer.removeAll(keepingCapacity: true)
        fflush(stdout)
    }
}

#if canImport(Glibc)
import Glibc
#endif
