/// SentencePiece-style spaces: replaces every space by `replacement` (▁), optionally puts one in
/// front of the text, and splits before each replacement character.
public struct Metaspace: PreTokenizer {
    public enum PrependScheme: String, Sendable { case always, first, never }
    public let replacement: Unicode.Scalar
    public let prependScheme: PrependScheme
    public let split: Bool

    public init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: PrependScheme = .always, split: Bool = true) {
        self.replacement = replacement
        self.prependScheme = prependScheme
        self.split = split
    }

    init(json: JSONField) throws {
        let r = try json.optional("replacement").stringOrNull() ?? "\u{2581}"
        guard r.unicodeScalars.count == 1 else {
            throw TokenizerFileError(field: "\(json.path).replacement", "expected a single character")
        }
        var scheme = PrependScheme.always
        if json.has("prepend_scheme") {
            let s = try json.field("prepend_scheme").string()
            guard let p = PrependScheme(rawValue: s) else {
                throw TokenizerFileError(field: "\(json.path).prepend_scheme", "expected always, first or never")
            }
            scheme = p
        } else if json.has("add_prefix_space") {
            scheme = try json.field("add_prefix_space").bool() ? .always : .never
        }
        self.init(replacement: r.unicodeScalars.first!, prependScheme: scheme,
                  split: try json.optional("split").bool(default: true))
    }

    public var json: JSON {
        .object(["type": "Metaspace", "replacement": .string(String(replacement)),
                 "prepend_scheme": .string(prependScheme.rawValue), "split": .bool(split)])
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let r = replacement.value
        var replacementBytes: [UInt8] = []
        UTF8Scalars.append(r, to: &replacementBytes)
        text.rewrite { piece, split in
            let spaces = piece.bytes.indices.filter { piece.bytes[$0] == 0x20 }.map { $0..<$0 + 1 }
            piece.replace(matches: spaces, with: [r])
            let startsWithReplacement = piece.bytes.starts(with: replacementBytes)
            switch prependScheme {
            case .always:
                if !startsWithReplacement { piece.prepend([r]) }
            case .first:
                if !startsWithReplacement && piece.alignments.first?.start == 0 { piece.prepend([r]) }
            case .never:
                break
            }
        }
        guard split else { return }
        text.split { bytes, sink in
            SplitBehavior.mergedWithNext.apply(MatchCover.characters(bytes) { $0 == r }, to: &sink)
        }
    }
}
