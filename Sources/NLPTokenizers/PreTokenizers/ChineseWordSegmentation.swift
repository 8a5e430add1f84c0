/// Cuts each piece into Chinese words with NLPKit's `ChineseSegmenter` (Latin words, numbers and URLs
/// stay whole; spaces are dropped), so a WordPiece or BPE model sees words instead of single
/// characters. Use it alone or in a `PreTokenizerSequence` (e.g. after `WhitespaceSplit`).
///
/// tokenizer.json form — an NLPKit extension, so Hugging Face tokenizers cannot load a file that
/// holds it: `{"type": "ChineseWordSegmentation", "mode": "dict"|"tagger"|"icu", "search_mode": false,
/// "model": null}`; `model` is a segmenter folder (`nlp train-segmenter` output), null for the
/// default model (vocab/segmenter-pku, or $NLPKIT_SEGMENTER_MODEL).
public struct ChineseWordSegmentation: PreTokenizer, @unchecked Sendable {   // ChineseSegmenter is immutable and thread-safe
    public let segmenter: ChineseSegmenter
    /// The `mode` and `model` written to tokenizer.json.
    public let mode: String
    public let modelPath: String?

    /// Segments with `segmenter`; `mode` and `modelPath` are only what a saved tokenizer.json records.
    public init(_ segmenter: ChineseSegmenter, mode: String, modelPath: String?) {
        self.segmenter = segmenter
        self.mode = mode
        self.modelPath = modelPath
    }

    /// Loads the segmenter model at `modelPath` (nil: the default model) for `mode` ("dict", "tagger"
    /// or "icu"; ICU needs no model).
    public init(mode: String = ChineseSegmenter.Mode.dictionary.rawValue, modelPath: String? = nil,
                searchMode: Bool = false) throws {
        if mode == "icu" {
            self.init(ChineseSegmenter.icu, mode: mode, modelPath: nil)
            return
        }
        guard let m = ChineseSegmenter.Mode(rawValue: mode) else {
            throw TokenizerFileError(field: "mode", "expected \"dict\", \"tagger\" or \"icu\", found \"\(mode)\"")
        }
        let model: SegmenterModel
        do {
            model = try modelPath.map { try SegmenterModel.load(from: $0, includingTagger: m == .tagger) }
                ?? DefaultSegmenterModel.load(includingTagger: m == .tagger)
        } catch {
            throw TokenizerFileError(field: "model", "cannot load the segmenter model: \(error)")
        }
        do {
            self.init(try ChineseSegmenter(model: model, mode: m, searchMode: searchMode), mode: mode, modelPath: modelPath)
        } catch {
            throw TokenizerFileError(field: "mode", "\(error)")
        }
    }

    init(json: JSONField) throws {
        let mode = json.has("mode") ? try json.field("mode").string() : ChineseSegmenter.Mode.dictionary.rawValue
        let model = try json.optional("model")
        let path = model.isNull ? nil : try model.string()
        do {
            try self.init(mode: mode, modelPath: path, searchMode: try json.optional("search_mode").bool(default: false))
        } catch let e as TokenizerFileError {
            throw TokenizerFileError(field: "\(json.path).\(e.field)", e.message)
        }
    }

    public var json: JSON {
        .object(["type": "ChineseWordSegmentation", "mode": .string(mode),
                 "search_mode": .bool(segmenter.searchMode), "model": modelPath.map { .string($0) } ?? .null])
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        text.materializeByteLevel()
        var workspace = ChineseSegmenter.Workspace()
        var ranges: [Range<Int>] = []
        text.split { bytes, sink in
            ranges.removeAll(keepingCapacity: true)
            segmenter.wordRanges(utf8: bytes, workspace: &workspace, into: &ranges)
            for r in ranges { sink.add(r.lowerBound, r.upperBound) }
        }
    }
}
