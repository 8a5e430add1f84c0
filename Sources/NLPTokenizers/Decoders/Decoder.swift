/// Turns tokens back into text: undoes the `##` prefixes, the byte-level alphabet, the ▁ spaces.
/// Decoders work on the list of token strings (HF's `decode_chain`) so they can be chained.
public protocol Decoder: Sendable {
    func decodeChain(_ tokens: [String]) -> [String]
    var json: JSON { get }
}

extension Decoder {
    public func decode(_ tokens: [String]) -> String { decodeChain(tokens).joined() }
}

/// Builds decoders from tokenizer.json.
enum DecoderCoding {
    static let types = ["WordPiece", "ByteLevel", "BPEDecoder", "Metaspace", "ByteFallback", "Fuse", "Strip",
                        "Replace", "Sequence"]

    static func load(_ json: JSONField) throws -> Decoder? {
        if json.isNull { return nil }
        switch try json.type() {
        case "WordPiece":
            return WordPieceDecoder(prefix: try json.optional("prefix").stringOrNull() ?? "##",
                                    cleanup: try json.optional("cleanup").bool(default: true))
        case "ByteLevel": return ByteLevelDecoder()
        case "BPEDecoder": return BPEDecoder(suffix: try json.optional("suffix").stringOrNull() ?? "</w>")
        case "Metaspace":
            let m = try Metaspace(json: json)
            return MetaspaceDecoder(replacement: m.replacement, prependScheme: m.prependScheme, split: m.split)
        case "ByteFallback": return ByteFallbackDecoder()
        case "Fuse": return FuseDecoder()
        case "Strip":
            let c = try json.field("content").string()
            guard c.unicodeScalars.count == 1 else { throw TokenizerFileError(field: "\(json.path).content", "expected one character") }
            return StripDecoder(content: c.unicodeScalars.first!, start: try json.optional("start").int(default: 0),
                                stop: try json.optional("stop").int(default: 0))
        case "Replace":
            return try ReplaceDecoder(Pattern(json: json.field("pattern")), with: try json.field("content").string())
        case "Sequence":
            return DecoderSequence(try json.field("decoders").array().compactMap { try load($0) })
        default:
            try json.unknownType("decoder", known: types)
        }
    }
}

/// WordPiece: joins the tokens with spaces except where a token carries the continuing prefix,
/// then (cleanup) removes the spaces BERT's tokenization put before punctuation and contractions.
public struct WordPieceDecoder: Decoder {
    public let prefix: String
    public let cleanup: Bool
    public init(prefix: String = "##", cleanup: Bool = true) {
        self.prefix = prefix
        self.cleanup = cleanup
    }
    public var json: JSON { .object(["type": "WordPiece", "prefix": .string(prefix), "cleanup": .bool(cleanup)]) }

    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var t = token
            if i != 0 {
                if !prefix.isEmpty && t.hasPrefix(prefix) { t = String(t.dropFirst(prefix.count)) } else { t = " " + t }
            }
            return cleanup ? WordPieceDecoder.cleanUp(t) : t
        }
    }

    /// HF's `cleanup` replacements, in its order.
    static func cleanUp(_ text: String) -> String {
        guard text.contains(" ") else { return text }
        var s = text
        for (a, b) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                       (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            s = s.replacingAll(a, with: b)
        }
        return s
    }
}

/// Byte-level: maps the alphabet characters back to bytes and decodes them as UTF-8 (invalid
/// sequences become U+FFFD). A token holding another character is taken as its own UTF-8.
public struct ByteLevelDecoder: Decoder {
    public init() {}
    public var json: JSON {
        .object(["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true])
    }

    public func decodeChain(_ tokens: [String]) -> [String] {
        var bytes: [UInt8] = []
        for t in tokens {
            if let b = ByteLevelAlphabet.decode(t) { bytes.append(contentsOf: b) } else { bytes.append(contentsOf: t.utf8) }
        }
        return [String(decoding: bytes, as: UTF8.self)]
    }
}

/// BPE with an end-of-word suffix: the suffix becomes a space (none after the last token).
public struct BPEDecoder: Decoder {
    public let suffix: String
    public init(suffix: String = "</w>") { self.suffix = suffix }
    public var json: JSON { .object(["type": "BPEDecoder", "suffix": .string(suffix)]) }

    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, t in t.replacingAll(suffix, with: i == tokens.count - 1 ? "" : " ") }
    }
}

/// Metaspace: ▁ back to spaces (the first token's leading one dropped unless nothing was prepended).
public struct MetaspaceDecoder: Decoder {
    public let replacement: Unicode.Scalar
    public let prependScheme: Metaspace.PrependScheme
    public let split: Bool
    public init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: Metaspace.PrependScheme = .always, split: Bool = true) {
        self.replacement = replacement
        self.prependScheme = prependScheme
        self.split = split
    }
    public var json: JSON {
        .object(["type": "Metaspace", "replacement": .string(String(replacement)),
                 "prepend_scheme": .string(prependScheme.rawValue), "split": .bool(split)])
    }

    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, t in
            var out = String.UnicodeScalarView()
            for c in t.unicodeScalars {
                if c == replacement {
                    if i == 0 && prependScheme != .never { continue }
                    out.append(" ")
                } else {
                    out.append(c)
                }
            }
            return String(out)
        }
    }
}

/// Byte fallback: runs of `<0xXX>` tokens become the text they encode (U+FFFD per byte if invalid).
public struct ByteFallbackDecoder: Decoder {
    public init() {}
    public var json: JSON { .object(["type": "ByteFallback"]) }

    public func decodeChain(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                out.append(s)
            } else {
                out.append(contentsOf: repeatElement("\u{FFFD}", count: pending.count))
            }
            pending.removeAll()
        }
        for t in tokens {
            let u = Array(t.utf8)
            if u.count == 6, t.hasPrefix("<0x"), u[5] == UInt8(ascii: ">"), let b = UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16) {
                pending.append(b)
            } else {
                flush()
                out.append(t)
            }
        }
        flush()
        return out
    }
}

/// Joins all tokens into one.
public struct FuseDecoder: Decoder {
    public init() {}
    public var json: JSON { .object(["type": "Fuse"]) }
    public func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
}

/// Removes up to `start` leading and `stop` trailing `content` characters from each token.
public struct StripDecoder: Decoder {
    public let content: Unicode.Scalar
    public let start: Int
    public let stop: Int
    public init(content: Unicode.Scalar, start: Int, stop: Int) {
        self.content = content
        self.start = start
        self.stop = stop
    }
    public var json: JSON { .object(["type": "Strip", "content": .string(String(content)), "start": JSON(start), "stop": JSON(stop)]) }

    public func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { t in
            let s = Array(t.unicodeScalars)
            var lo = 0, hi = s.count
            while lo < min(start, s.count) && s[lo] == content { lo += 1 }
            var removed = 0
            while removed < stop && hi > lo && s[hi - 1] == content { hi -= 1; removed += 1 }
            var v = String.UnicodeScalarView()
            v.append(contentsOf: s[lo..<hi])
            return String(v)
        }
    }
}

/// Replaces a pattern in each token.
public struct ReplaceDecoder: Decoder {
    public let replace: Replace
    public init(_ pattern: Pattern, with content: String) throws { replace = try Replace(pattern, with: content) }
    public var json: JSON { .object(["type": "Replace", "pattern": replace.pattern.json, "content": .string(replace.content)]) }
    public func decodeChain(_ tokens: [String]) -> [String] { tokens.map { replace.normalize($0) } }
}

/// Several decoders, one after the other.
public struct DecoderSequence: Decoder {
    public let decoders: [Decoder]
    public init(_ decoders: [Decoder]) { self.decoders = decoders }
    public var json: JSON { .object(["type": "Sequence", "decoders": .array(decoders.map(\.json))]) }
    public func decodeChain(_ tokens: [String]) -> [String] { decoders.reduce(tokens) { $1.decodeChain($0) } }
}

extension String {
    /// Every occurrence of `target` replaced, left to right, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        guard !t.isEmpty else { return self }
        let s = Array(utf8)
        guard s.count >= t.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        var changed = false
        while i < s.count {
            if i + t.count <= s.count && s[i] == t[0] && s[i..<i + t.count].elementsEqual(t) {
                out.append(contentsOf: replacement.utf8)
                i += t.count
                changed = true
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : self
    }
}
