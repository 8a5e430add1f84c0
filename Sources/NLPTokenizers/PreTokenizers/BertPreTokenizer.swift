/// BERT's pre-tokenizer: splits on whitespace (removed) and isolates every punctuation character.
/// One pass does both of HF's splits.
public struct BertPreTokenizer: PreTokenizer {
    public init() {}
    public var json: JSON { .object(["type": "BertPreTokenizer"]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let table = UnicodeClassTable.shared
        let space = UnicodeClass.whitespace.rawValue, punctuation = UnicodeClass.punctuation.rawValue
        text.split { bytes, sink in
            guard let p = bytes.baseAddress else { return }
            let n = bytes.count
            var wordStart = -1, i = 0
            while i < n {
                let b = p[i]
                let f: UInt16, length: Int
                if b < 0x80 {
                    f = table.ascii[Int(b)]; length = 1
                } else {
                    let (c, l) = UTF8Scalars.decode(p, at: i)
                    f = table.flags(c); length = l
                }
                if f & space != 0 {
                    if wordStart >= 0 { sink.add(wordStart, i); wordStart = -1 }
                } else if f & punctuation != 0 {
                    if wordStart >= 0 { sink.add(wordStart, i); wordStart = -1 }
                    sink.add(i, i + length)
                } else if wordStart < 0 {
                    wordStart = i
                }
                i += length
            }
            if wordStart >= 0 { sink.add(wordStart, n) }
        }
    }
}
