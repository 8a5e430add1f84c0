/// GPT-2's post-processor: adds nothing, but trims the leading and trailing spaces (Ġ) out of each
/// token's offsets.
public struct ByteLevelProcessing: PostProcessor {
    public let trimOffsets: Bool
    public let addPrefixSpace: Bool

    public init(trimOffsets: Bool = true, addPrefixSpace: Bool = true) {
        self.trimOffsets = trimOffsets
        self.addPrefixSpace = addPrefixSpace
    }

    public var json: JSON {
        .object(["type": "ByteLevel", "add_prefix_space": .bool(addPrefixSpace), "trim_offsets": .bool(trimOffsets),
                 "use_regex": true])
    }

    public func addedTokenCount(isPair: Bool) -> Int { 0 }

    public func processEncodings(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var encodings = encodings
        if trimOffsets {
            for k in encodings.indices { ByteLevelProcessing.trimOffsets(&encodings[k], addPrefixSpace: addPrefixSpace) }
        }
        for k in encodings.indices { encodings[k].setSequenceID(k) }
        return encodings
    }

    /// HF's `process_offsets`, on the encoding and its overflowing parts.
    static func trimOffsets(_ e: inout Encoding, addPrefixSpace: Bool) {
        trimOne(&e, addPrefixSpace: addPrefixSpace)
        for k in e.overflowing.indices { trimOne(&e.overflowing[k], addPrefixSpace: addPrefixSpace) }
    }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.value == 0x120 || UnicodeClass.of(c.value).contains(.whitespace)
    }

    private static func trimOne(_ e: inout Encoding, addPrefixSpace: Bool) {
        let tokens = e.tokens
        for i in tokens.indices {
            if let o = trimmed(e.offsets[i], token: tokens[i], index: i, addPrefixSpace: addPrefixSpace) { e.setOffsets(o, at: i) }
        }
    }

    /// The offsets of a token without its leading and trailing spaces, or nil if it has none.
    @inline(__always)
    static func trimmed(_ offsets: Span, token: String, index i: Int, addPrefixSpace: Bool) -> Span? {
        let scalars = token.unicodeScalars
        var leading = 0
        for c in scalars { if isSpace(c) { leading += 1 } else { break } }
        if leading == scalars.count && leading == 0 { return nil }
        var trailing = 0
        for c in scalars.reversed() { if isSpace(c) { trailing += 1 } else { break } }
        guard leading > 0 || trailing > 0 else { return nil }
        var o = offsets
        if leading > 0 {
            let isFirst = i == 0 || o.start == 0
            if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
            o.start = min(o.start + leading, o.end)
        }
        if trailing > 0 && o.end >= trailing {
            o.end = max(o.end - trailing, o.start)
        }
        return o
    }
}
