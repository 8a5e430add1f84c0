/// Splits into runs of word characters and runs of other non-space characters (HF's `Whitespace`,
/// the pattern `\w+|[^\w\s]+`); whitespace is dropped.
public struct Whitespace: PreTokenizer {
    public init() {}
    public var json: JSON { .object(["type": "Whitespace"]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let table = UnicodeClassTable.shared
        text.split { bytes, sink in
            guard let p = bytes.baseAddress else { return }
            // 0 = space, 1 = word, 2 = other
            var runStart = 0, runKind = 0, i = 0
            while i < bytes.count {
                let (c, n) = UTF8Scalars.decode(p, at: i)
                let f = table.flags(c)
                let kind = f & UnicodeClass.word.rawValue != 0 ? 1 : f & UnicodeClass.whitespace.rawValue != 0 ? 0 : 2
                if kind != runKind {
                    if runKind != 0 { sink.add(runStart, i) }
                    runStart = i
                    runKind = kind
                }
                i += n
            }
            if runKind != 0 { sink.add(runStart, bytes.count) }
        }
    }
}

/// Splits on whitespace, which is dropped.
public struct WhitespaceSplit: PreTokenizer {
    public init() {}
    public var json: JSON { .object(["type": "WhitespaceSplit"]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let table = UnicodeClassTable.shared
        text.split { bytes, sink in
            guard let p = bytes.baseAddress else { return }
            var wordStart = -1, i = 0
            while i < bytes.count {
                let (c, n) = UTF8Scalars.decode(p, at: i)
                if table.flags(c) & UnicodeClass.whitespace.rawValue != 0 {
                    if wordStart >= 0 { sink.add(wordStart, i); wordStart = -1 }
                } else if wordStart < 0 {
                    wordStart = i
                }
                i += n
            }
            if wordStart >= 0 { sink.add(wordStart, bytes.count) }
        }
    }
}

/// Splits on one delimiter character, which is dropped.
public struct CharDelimiterSplit: PreTokenizer {
    public let delimiter: Unicode.Scalar
    public init(_ delimiter: Unicode.Scalar) { self.delimiter = delimiter }
    public var json: JSON { .object(["type": "CharDelimiterSplit", "delimiter": .string(String(delimiter))]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let d = delimiter.value
        text.split { bytes, sink in
            SplitBehavior.removed.apply(MatchCover.characters(bytes) { $0 == d }, to: &sink)
        }
    }
}
