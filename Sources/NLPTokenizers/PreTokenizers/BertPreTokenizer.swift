/// BERT's pre-tokenizer: splits on whitespace (removed) and isolates every punctuation character.
/// One pass does both of HF's splits.
public struct BertPreTokenizer: PreTokenizer {
    public init() {}
    public var json: JSON { .object(["type": "BertPreTokenizer"]) }

    /// ASCII kinds: 0 part of a word, 1 whitespace, 2 punctuation.
    private static let asciiKinds: [UInt8] = (0..<128).map { b -> UInt8 in
        let f = UnicodeClassTable.shared.flags(UInt32(b))
        if f & UnicodeClass.whitespace.rawValue != 0 { return 1 }
        if f & UnicodeClass.punctuation.rawValue != 0 { return 2 }
        return 0
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        text.split { bytes, sink in
            forEachWord(in: bytes) { a, b in sink.add(a, b) }
        }
    }
}

extension BertPreTokenizer: WordScanner {
    var wordsAreByteLevel: Bool { false }

    @inline(__always)
    func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        guard let p = bytes.baseAddress else { return }
        let table = UnicodeClassTable.shared
        let space = UnicodeClass.whitespace.rawValue, punctuation = UnicodeClass.punctuation.rawValue
        BertPreTokenizer.asciiKinds.withUnsafeBufferPointer { kinds in
            let ascii = kinds.baseAddress!
            let n = bytes.count
            var wordStart = -1, i = 0
            while i < n {
                let b = p[i]
                let kind: UInt8, length: Int
                if b < 0x80 {
                    kind = ascii[Int(b)]; length = 1
                } else {
                    let (c, l) = UTF8Scalars.decode(p, at: i)
                    let f = table.flags(c)
                    kind = f & space != 0 ? 1 : f & punctuation != 0 ? 2 : 0
                    length = l
                }
                if kind == 0 {
                    if wordStart < 0 { wordStart = i }
                } else {
                    if wordStart >= 0 { body(wordStart, i); wordStart = -1 }
                    if kind == 2 { body(i, i + length) }
                }
                i += length
            }
            if wordStart >= 0 { body(wordStart, n) }
        }
    }
}
