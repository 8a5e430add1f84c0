/// Byte-level BPE: the adjacent byte pairs (x, y) that some merge can join — a merge (A, B) joins
/// the last byte of A to the first byte of B, and every token's inner pairs were joined by one of
/// its merges. Where a word's bytes x, y form a pair outside this set, no merge ever spans the gap,
/// and merges on either side never meet: BPE of the word is BPE of the two parts, concatenated. So
/// a Chinese clause (one pre-tokenizer "word") cuts into short pieces that repeat and hit the cache.
struct JoinableBytePairs {
    /// One bit per pair, indexed by `x << 8 | y`.
    private let bits: UnsafeMutablePointer<UInt64>

    /// From the merges as token strings in the byte-level alphabet; a merge with another character
    /// can never apply to byte-level symbols and joins nothing.
    init(merges: [(String, String)]) {
        bits = .allocate(capacity: 1024)
        bits.initialize(repeating: 0, count: 1024)
        for (a, b) in merges {
            guard let x = a.unicodeScalars.last.flatMap(JoinableBytePairs.byte),
                  let y = b.unicodeScalars.first.flatMap(JoinableBytePairs.byte) else { continue }
            let pair = x << 8 | y
            bits[pair >> 6] |= 1 << UInt64(pair & 63)
        }
    }

    private static func byte(_ scalar: Unicode.Scalar) -> Int? {
        let v = Int(scalar.value)
        guard v < ByteLevelAlphabet.bytes.count, ByteLevelAlphabet.bytes[v] >= 0 else { return nil }
        return Int(ByteLevelAlphabet.bytes[v])
    }

    func deallocate() { bits.deallocate() }

    @inline(__always)
    func contains(_ x: UInt8, _ y: UInt8) -> Bool {
        let pair = Int(x) << 8 | Int(y)
        return bits[pair >> 6] >> UInt64(pair & 63) & 1 != 0
    }
}
