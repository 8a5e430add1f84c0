import Foundation

/// BERT's uncased WordPiece tokenization as a `TextEncoder`, read from a tokenizer.json whose
/// model is WordPiece (all-MiniLM-L6-v2's): Hugging Face's BertNormalizer (clean text, spaces
/// around CJK ideographs, NFD without accents, lowercase), BertPreTokenizer (split on whitespace,
/// punctuation on its own), greedy longest-match WordPiece with "##", then [CLS] … [SEP].
///
/// A stand-in until NLPTokenizers' full tokenizer.json pipeline lands on main; it covers only
/// this pipeline and refuses other tokenizer files.
public struct BertWordPieceEncoder: TextEncoder {
    let vocabulary: [String: Int32]
    let unknown: Int32, classification: Int32, separator: Int32
    let continuationPrefix: String
    let maxCharactersPerWord: Int

    public init(tokenizerFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelError.missingFile(path) }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ModelError.unreadable(file: path, reason: "not a JSON object")
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece",
              let vocab = model["vocab"] as? [String: Any] else {
            throw ModelError.unsupported(file: path, what: "tokenizer (this encoder reads WordPiece tokenizer.json files only)")
        }
        let normalizer = root["normalizer"] as? [String: Any]
        guard normalizer?["type"] as? String == "BertNormalizer", normalizer?["lowercase"] as? Bool ?? true else {
            throw ModelError.unsupported(file: path, what: "normalizer (this encoder does BERT's uncased normalization only)")
        }
        var table: [String: Int32] = [:]
        for (token, id) in vocab {
            guard let n = id as? NSNumber else { throw ModelError.unreadable(file: path, reason: "vocab id of \"\(token)\" is not a number") }
            table[token] = Int32(n.intValue)
        }
        func id(_ token: String) throws -> Int32 {
            guard let i = table[token] else { throw ModelError.unreadable(file: path, reason: "the vocabulary has no \(token)") }
            return i
        }
        vocabulary = table
        unknown = try id(model["unk_token"] as? String ?? "[UNK]")
        classification = try id("[CLS]")
        separator = try id("[SEP]")
        continuationPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        maxCharactersPerWord = (model["max_input_chars_per_word"] as? NSNumber)?.intValue ?? 100
    }

    public func encodeBatch(_ texts: [String], maxLength: Int) throws -> [[Int32]] {
        texts.map { encode($0, maxLength: maxLength) }
    }

    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        var ids: [Int32] = [classification]
        for word in words(normalized(text)) {
            ids += pieces(word)
            if ids.count >= maxLength - 1 { break }
        }
        if ids.count > maxLength - 1 { ids.removeLast(ids.count - (maxLength - 1)) }
        ids.append(separator)
        return ids
    }

    /// BertNormalizer: drop NUL, U+FFFD and control/format/unassigned characters, whitespace → ' ',
    /// spaces around CJK ideographs, NFD without nonspacing marks, lowercase.
    func normalized(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isOther(s) && !Self.isWhitespace(s) { continue }
            if Self.isWhitespace(s) { cleaned.append(" "); continue }
            if Self.isChineseCharacter(s) {
                cleaned.append(" "); cleaned.append(s); cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        var out = String.UnicodeScalarView()
        for s in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        where s.properties.generalCategory != .nonspacingMark {
            if s.properties.changesWhenLowercased {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// BertPreTokenizer: whitespace separates words; each punctuation character is a word.
    func words(_ text: String) -> [String] {
        var words: [String] = [], current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        for s in text.unicodeScalars {
            if Self.isWhitespace(s) { flush(); continue }
            if Self.isPunctuation(s) { flush(); words.append(String(s)); continue }
            current.append(s)
        }
        flush()
        return words
    }

    /// Greedy longest-match-first WordPiece; a word with an unmatchable part is one [UNK].
    func pieces(_ word: String) -> [Int32] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxCharactersPerWord { return [unknown] }
        var ids: [Int32] = [], start = 0
        while start < scalars.count {
            var end = scalars.count, found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = continuationPrefix + piece }
                if let id = vocabulary[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unknown] }
            ids.append(id)
            start = end
        }
        return ids
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// Unicode "Other" (Cc, Cf, Cs, Co, Cn), Rust's char::is_other.
    static func isOther(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (0x21...0x2F).contains(s.value) || (0x3A...0x40).contains(s.value)
            || (0x5B...0x60).contains(s.value) || (0x7B...0x7E).contains(s.value) }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
