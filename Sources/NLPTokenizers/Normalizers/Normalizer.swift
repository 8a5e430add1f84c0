/// The first stage of the pipeline: rewrites the text (Unicode normalization, lowercase, accents,
/// cleaning), keeping for each byte the original characters it came from.
public protocol Normalizer: Sendable {
    func normalize(_ text: inout NormalizedString)
    /// The tokenizer.json form of this normalizer.
    var json: JSON { get }
}

extension Normalizer {
    /// Normalizes a string (for inspection; the tokenizer calls `normalize(_:)` on its own buffers).
    public func normalize(_ string: String) -> String {
        var text = NormalizedString(string)
        normalize(&text)
        return text.string
    }
}

/// Builds normalizers from tokenizer.json.
enum NormalizerCoding {
    static let types = ["BertNormalizer", "Lowercase", "StripAccents", "NFC", "NFD", "NFKC", "NFKD",
                        "Replace", "Prepend", "Strip", "Sequence"]

    static func load(_ json: JSONField) throws -> Normalizer? {
        if json.isNull { return nil }
        switch try json.type() {
        case "BertNormalizer":
            let lowercase = try json.optional("lowercase").bool(default: true)
            return BertNormalizer(cleanText: try json.optional("clean_text").bool(default: true),
                                  handleChineseCharacters: try json.optional("handle_chinese_chars").bool(default: true),
                                  stripAccents: json.has("strip_accents") ? try json.field("strip_accents").bool() : nil,
                                  lowercase: lowercase)
        case "Lowercase": return Lowercase()
        case "StripAccents": return StripAccents()
        case "NFC": return UnicodeNormalizer(.nfc)
        case "NFD": return UnicodeNormalizer(.nfd)
        case "NFKC": return UnicodeNormalizer(.nfkc)
        case "NFKD": return UnicodeNormalizer(.nfkd)
        case "Replace":
            let patternField = try json.field("pattern")
            do {
                return try Replace(Pattern(json: patternField), with: try json.field("content").string())
            } catch let e as TokenizerFileError where e.field.isEmpty {
                throw TokenizerFileError(field: patternField.path, e.message)
            }
        case "Prepend": return Prepend(try json.field("prepend").string())
        case "Strip":
            return Strip(left: try json.optional("strip_left").bool(default: true),
                         right: try json.optional("strip_right").bool(default: true))
        case "Sequence":
            return NormalizerSequence(try json.field("normalizers").array().compactMap { try load($0) })
        default:
            try json.unknownType("normalizer", known: types)
        }
    }
}
