import Foundation
import NLPFiles

extension Tokenizer {
    /// Loads a tokenizer.json file.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    let inside = (path as NSString).appendingPathComponent("tokenizer.json")
                    if FileManager.default.fileExists(atPath: inside) {
                        try self.init(contentsOfFile: inside)
                        return
                    }
                    throw TokenizerFileError(file: path, field: "", "is a folder without a tokenizer.json")
                }
                throw TokenizerFileError(file: path, field: "", "cannot be read")
            }
            throw TokenizerFileError(file: path, field: "", "no such file")
        }
        do {
            try self.init(data: data)
        } catch let e as TokenizerFileError {
            throw e.named(path)
        }
    }

    /// Loads a tokenizer.json file (or a model folder holding one).
    public init(contentsOf url: URL) throws {
        try self.init(contentsOfFile: url.path)
    }

    /// Loads tokenizer.json text.
    public init(data: Data) throws {
        let json: JSON
        do {
            json = try data.withUnsafeBytes { try JSONParser.parse($0.bindMemory(to: UInt8.self)) }
        } catch let e as JSONSyntaxError {
            throw TokenizerFileError(field: "", "not valid JSON: \(e)")
        }
        try self.init(json: json)
    }

    public init(jsonString: String) throws {
        try self.init(data: Data(jsonString.utf8))
    }

    /// Builds the tokenizer a tokenizer.json document describes.
    public init(json: JSON) throws {
        let root = JSONField(json)
        _ = try root.object()
        let model = try ModelCoding.load(root.field("model"))
        let normalizer = try NormalizerCoding.load(root.optional("normalizer"))
        var added: [AddedToken] = []
        let addedField = try root.optional("added_tokens")
        if !addedField.isNull {
            for item in try addedField.array() { added.append(try AddedToken(json: item)) }
        }
        self.init(model: model, normalizer: normalizer,
                  preTokenizer: try PreTokenizerCoding.load(root.optional("pre_tokenizer")),
                  postProcessor: try PostProcessorCoding.load(root.optional("post_processor")),
                  decoder: try DecoderCoding.load(root.optional("decoder")),
                  addedTokens: added,
                  truncation: try Truncation(json: root.optional("truncation")),
                  padding: try Padding(json: root.optional("padding")))
    }

    /// The tokenizer.json document of this tokenizer.
    public var json: JSON {
        .object(["version": "1.0", "truncation": truncation?.json ?? .null, "padding": padding?.json ?? .null,
                 "added_tokens": addedVocabulary.json, "normalizer": normalizer?.json ?? .null,
                 "pre_tokenizer": preTokenizer?.json ?? .null, "post_processor": postProcessor?.json ?? .null,
                 "decoder": decoder?.json ?? .null, "model": model.json])
    }

    /// The tokenizer.json text (pretty-printed like HF's `save(pretty=True)`).
    public func jsonString(pretty: Bool = true) -> String {
        JSONWriter.string(json, pretty: pretty)
    }

    /// Saves tokenizer.json atomically (AtomicFile: a crash leaves the old file or the new one).
    public func save(toFile path: String, pretty: Bool = true) throws {
        do {
            try AtomicFile.write(jsonString(pretty: pretty) + "\n", to: path)
        } catch let error as AtomicFile.WriteError {
            throw TokenizerFileError(file: path, field: "", "cannot be written: \(error.reason)")
        }
    }

    public func save(to url: URL, pretty: Bool = true) throws {
        try save(toFile: url.path, pretty: pretty)
    }
}
