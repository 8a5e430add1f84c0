/// Why text cannot be generated. Each message is one line saying what to change.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    /// The prompt has no tokens.
    case emptyPrompt
    /// None of the prompt's characters is in a character-level vocabulary.
    case unknownCharacters([Unicode.Scalar])
    /// The model cannot predict a next token (an encoder, a classifier, a seq2seq model).
    case notALanguageModel(String)
    /// An option is out of range.
    case badOption(String)

    public var description: String {
        switch self {
        case .emptyPrompt: return "the prompt is empty: give some text to continue"
        case .unknownCharacters(let scalars):
            return "the prompt has only characters the model's vocabulary lacks: \(GenerationError.list(scalars))"
        case .notALanguageModel(let what): return "\(what) is not a language model: generation needs a GPT or an LSTM/GRU language model"
        case .badOption(let what): return what
        }
    }

    /// "“x” (U+0078), “é” (U+00E9)", at most eight.
    public static func list(_ scalars: [Unicode.Scalar]) -> String {
        var seen = Set<Unicode.Scalar>(), unique: [Unicode.Scalar] = []
        for s in scalars where seen.insert(s).inserted { unique.append(s) }
        let shown = unique.prefix(8).map { s -> String in
            let hex = String(s.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            return s.properties.generalCategory == .control || s == " " ? code : "“\(s)” (\(code))"
        }
        return shown.joined(separator: ", ") + (unique.count > 8 ? " and \(unique.count - 8) more" : "")
    }
}
