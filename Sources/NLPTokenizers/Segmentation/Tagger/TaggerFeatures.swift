/// The features of each unit for the character tagger, hashed into a fixed number of buckets (the
/// weight table has one row of tag scores per bucket). Templates, with x the unit symbols, t their
/// types (see `typeCode`) and D the dictionary-match lengths:
///   x−2 … x+2, x−2x−1, x−1x0, x0x+1, x+1x+2, x−1x+1, x−1x0x+1,
///   t−1t0t+1, t−2…t+2, t0x+1, x−1t0, t−1x0, x0t+1, repetitions (x0 = x−1, x0 = x+1, x−1 = x+1, x0 = x−2, x0 = x+2),
///   longest dictionary word beginning at / ending at / running through the unit, alone, as a
///   triple and with x0; the longest word ending just before the unit and beginning just after it,
///   with x0; the word ending at the unit with x+1, the word beginning at it with x−1; a bias.
/// Dictionary words count only when they span two or more units; during training the dictionary of
/// each fold leaves that fold's words out (see `TaggerTrainer`), so the weights learn how far to
/// trust a dictionary that misses words, as it will on new text.
public struct TaggerFeatures {
    /// log2 of the number of buckets.
    public let hashBits: Int
    public var bucketCount: Int { 1 << hashBits }
    /// Features per unit.
    public static let count = 34
    /// Dictionary lengths above this are capped.
    static let maximumLength: UInt8 = 6

    public init(hashBits: Int) {
        self.hashBits = hashBits
    }

    /// Buffers reused from line to line.
    public struct Workspace {
        var symbols: [UInt32] = []
        var types: [UInt8] = []
        var begin: [UInt8] = []
        var end: [UInt8] = []
        var middle: [UInt8] = []
        public init() {}
    }

    /// A small number for each unit that says what kind of character it is: 0 other ideograph,
    /// 1 Chinese numeral, 2 date suffix (年月日时分秒号), 3 number, 4 Latin, 5 closed punctuation,
    /// 6 percent sign, 7 URL or e-mail, 8 padding, 9 slash, 10 dash or tilde, 11 middle dot (in
    /// transliterated names, and a decimal point in People's Daily), 12 ratio sign ∶ (scores, 3∶1),
    /// 13 other symbol. Symbols get classes of their own because they behave differently: ％ and ∶
    /// join the numbers around them, · the names around it, ℃ stands alone.
    static func typeCode(kind: SegmenterUnitKind, symbol: UInt32) -> UInt8 {
        switch kind {
        case .ideograph:
            if SegmenterCharacters.isChineseNumeral(symbol) { return 1 }
            return SegmenterCharacters.isDateSuffix(symbol) ? 2 : 0
        case .number: return 3
        case .letters, .alphanumeric: return 4
        case .punctuation: return 5
        case .url, .email: return 7
        case .symbol:
            let mark = symbol >= SegmenterSymbols.repeatedMark ? symbol - SegmenterSymbols.repeatedMark : symbol
            switch mark {
            case 0x25, 0x2030: return 6                                    // % ‰
            case 0x2F: return 9                                            // /
            case 0x2D, 0x2014, 0x2015, 0x2013, 0x2012, 0x2212, 0x7E, 0x301C: return 10  // - — ― – ‒ − ~ 〜
            case 0xB7, 0x2022, 0x30FB, 0x2027: return 11                   // · • ・ ‧
            case 0x2236: return 12                                         // ∶
            default: return 13
            }
        }
    }

    /// Writes `count` buckets for each unit of `text` into `buckets` (unit-major). `isInLexicon`
    /// filters dictionary words by index (nil: every word counts).
    public func extract(_ text: SegmenterText, dictionary: SegmenterDictionary, isInLexicon: ((Int) -> Bool)? = nil,
                        workspace w: inout Workspace, into buckets: inout [UInt32]) {
        let n = text.unitCount
        let pad = 2
        w.symbols.removeAll(keepingCapacity: true)
        w.types.removeAll(keepingCapacity: true)
        w.symbols.append(contentsOf: [SegmenterSymbols.lineStart, SegmenterSymbols.lineStart])
        w.types.append(contentsOf: [8, 8])
        for i in 0..<n {
            let s = text.unitSymbols[i]
            w.symbols.append(s)
            w.types.append(Self.typeCode(kind: text.unitKinds[i], symbol: s))
        }
        w.symbols.append(contentsOf: [SegmenterSymbols.lineEnd, SegmenterSymbols.lineEnd])
        w.types.append(contentsOf: [8, 8])
        dictionaryLengths(text, dictionary: dictionary, isInLexicon: isInLexicon, workspace: &w)

        buckets.removeAll(keepingCapacity: true)
        buckets.append(contentsOf: repeatElement(0, count: n * Self.count))
        let mask = UInt64(bucketCount - 1)
        buckets.withUnsafeMutableBufferPointer { out in
        w.symbols.withUnsafeBufferPointer { x in
        w.types.withUnsafeBufferPointer { t in
        w.begin.withUnsafeBufferPointer { begin in
        w.end.withUnsafeBufferPointer { end in
        w.middle.withUnsafeBufferPointer { middle in
            var p = 0
            for i in 0..<n {
                let c = i + pad
                let x0 = UInt64(x[c]), xm1 = UInt64(x[c - 1]), xm2 = UInt64(x[c - 2])
                let xp1 = UInt64(x[c + 1]), xp2 = UInt64(x[c + 2])
                @inline(__always) func put(_ h: UInt64) {
                    out[p] = UInt32(truncatingIfNeeded: Self.finish(h) & mask)
                    p += 1
                }
                put(Self.seed(0))
                put(Self.mix(Self.seed(1), xm2))
                put(Self.mix(Self.seed(2), xm1))
                put(Self.mix(Self.seed(3), x0))
                put(Self.mix(Self.seed(4), xp1))
                put(Self.mix(Self.seed(5), xp2))
                put(Self.mix(Self.mix(Self.seed(6), xm2), xm1))
                put(Self.mix(Self.mix(Self.seed(7), xm1), x0))
                put(Self.mix(Self.mix(Self.seed(8), x0), xp1))
                put(Self.mix(Self.mix(Self.seed(9), xp1), xp2))
                put(Self.mix(Self.mix(Self.seed(10), xm1), xp1))
                put(Self.mix(Self.mix(Self.mix(Self.seed(11), xm1), x0), xp1))
                let t3 = UInt64(t[c - 1]) << 8 | UInt64(t[c]) << 4 | UInt64(t[c + 1])
                put(Self.mix(Self.seed(12), t3))
                put(Self.mix(Self.seed(13), UInt64(t[c - 2]) << 16 | t3 << 4 | UInt64(t[c + 2])))
                var repeats: UInt64 = 0
                if x0 == xm1 { repeats |= 1 }
                if x0 == xp1 { repeats |= 2 }
                if xm1 == xp1 { repeats |= 4 }
                if x0 == xm2 { repeats |= 8 }
                if x0 == xp2 { repeats |= 16 }
                put(Self.mix(Self.seed(14), repeats))
                let b = UInt64(begin[i]), e = UInt64(end[i]), m = UInt64(middle[i])
                put(Self.mix(Self.seed(15), b))
                put(Self.mix(Self.seed(16), e))
                put(Self.mix(Self.seed(17), m))
                put(Self.mix(Self.seed(18), b << 16 | e << 8 | m))
                put(Self.mix(Self.mix(Self.seed(19), b), x0))
                put(Self.mix(Self.mix(Self.seed(20), e), x0))
                put(Self.mix(Self.mix(Self.seed(21), m), x0))
                put(Self.mix(Self.mix(Self.seed(22), b << 8 | e), UInt64(t[c])))
                put(Self.mix(Self.mix(Self.seed(23), UInt64(t[c])), xp1))
                put(Self.mix(Self.mix(Self.seed(24), xm1), UInt64(t[c])))
                put(Self.mix(Self.mix(Self.seed(25), UInt64(t[c - 1])), x0))
                put(Self.mix(Self.mix(Self.seed(26), x0), UInt64(t[c + 1])))
                put(Self.mix(Self.seed(27), UInt64(t[c])))
                put(Self.mix(Self.seed(28), UInt64(t[c - 1]) << 8 | UInt64(t[c])))
                put(Self.mix(Self.seed(29), UInt64(t[c]) << 8 | UInt64(t[c + 1])))
                // The dictionary around: does a word end just before / begin just after this unit?
                let endBefore = i > 0 ? UInt64(end[i - 1]) : 15, beginAfter = i + 1 < n ? UInt64(begin[i + 1]) : 15
                put(Self.mix(Self.mix(Self.seed(30), endBefore), x0))
                put(Self.mix(Self.mix(Self.seed(31), beginAfter), x0))
                put(Self.mix(Self.mix(Self.seed(32), e), xp1))
                put(Self.mix(Self.mix(Self.seed(33), b), xm1))
            }
        }}}}}}
    }

    /// For each unit, the length (in units, capped) of the longest dictionary word of two or more
    /// units that begins at it, ends at it, and runs through it.
    private func dictionaryLengths(_ text: SegmenterText, dictionary: SegmenterDictionary, isInLexicon: ((Int) -> Bool)?,
                                   workspace w: inout Workspace) {
        let n = text.unitCount
        for k in [\Workspace.begin, \Workspace.end, \Workspace.middle] {
            w[keyPath: k].removeAll(keepingCapacity: true)
            w[keyPath: k].append(contentsOf: repeatElement(0, count: n))
        }
        let trie = dictionary.trie
        let alphabet = dictionary.alphabet
        for a in 0..<n {
            var node = DoubleArrayTrie.root
            var u = a
            walk: while u < n {
                for k in Int(text.unitStarts[u])..<Int(text.unitEnds[u]) {
                    let code = alphabet.code(text.scalars[k])
                    if code == 0 { break walk }
                    node = trie.child(node, code)
                    if node < 0 { break walk }
                }
                u += 1
                let v = trie.value[Int(node)]
                if v >= 0 && u - a >= 2 && (isInLexicon?(Int(v)) ?? true) {
                    let length = UInt8(min(u - a, Int(Self.maximumLength)))
                    w.begin[a] = max(w.begin[a], length)
                    w.end[u - 1] = max(w.end[u - 1], length)
                    if u - a > 2 {
                        for k in a + 1..<u - 1 { w.middle[k] = max(w.middle[k], length) }
                    }
                }
                if text.forcedBreaks[u] { break }
            }
        }
    }

    @inline(__always) static func seed(_ template: UInt64) -> UInt64 { (template &+ 1) &* 0x9E37_79B9_7F4A_7C15 }

    @inline(__always) static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var x = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return x
    }

    @inline(__always) static func finish(_ h: UInt64) -> UInt64 {
        var x = h &* 0x94D0_49BB_1331_11EB
        x ^= x >> 29
        return x
    }
}
