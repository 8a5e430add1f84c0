import XCTest
@testable import NLPTokenizers

/// Byte-level BPE cuts a word where no merge can join two bytes; the result must be exactly that of
/// BPE on the whole word (checked against a plain reference BPE).
final class JoinableBytePairsTests: XCTestCase {
    /// The whole alphabet as tokens, plus merges and their results.
    private func byteLevelBPE(merges: [(String, String)]) throws -> BPE {
        var vocabulary = ByteLevelAlphabet.all.enumerated().map { ($1, $0) }
        for (a, b) in merges where !vocabulary.contains(where: { $0.0 == a + b }) { vocabulary.append((a + b, vocabulary.count)) }
        return try BPE(vocabulary: vocabulary, merges: merges)
    }

    func testPairsAreTheLastAndFirstBytesOfEachMerge() throws {
        let ab = ("a", "b"), abC = ("ab", "c"), nonAlphabet = ("x", "日")
        let pairs = JoinableBytePairs(merges: [ab, abC, ("Ġ", "the"), nonAlphabet])
        defer { pairs.deallocate() }
        XCTAssertTrue(pairs.contains(UInt8(ascii: "a"), UInt8(ascii: "b")))
        XCTAssertTrue(pairs.contains(UInt8(ascii: "b"), UInt8(ascii: "c")))
        XCTAssertTrue(pairs.contains(0x20, UInt8(ascii: "t")))      // Ġ is the space byte
        XCTAssertFalse(pairs.contains(UInt8(ascii: "a"), UInt8(ascii: "c")))
        XCTAssertFalse(pairs.contains(UInt8(ascii: "b"), UInt8(ascii: "a")))
        XCTAssertFalse(pairs.contains(UInt8(ascii: "x"), 0xE6))
    }

    func testCutWordsMatchWholeWordsOnASmallVocabulary() throws {
        let model = try byteLevelBPE(merges: [("a", "b"), ("b", "c"), ("ab", "c"), ("c", "a"), ("abc", "a")])
        let reference = ReferenceBPE(model)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let word = (0..<Int.random(in: 1...24, using: &rng)).map { _ in Array("abcx".utf8)[Int.random(in: 0..<4, using: &rng)] }
            XCTAssertEqual(tokens(model, word), reference.tokens(word), String(decoding: word, as: UTF8.self))
        }
    }

    func testCutWordsMatchWholeWordsOnGPT2() throws {
        guard let model = try TestFiles.gpt2().model as? BPE else { return XCTFail("GPT-2 is not a BPE model") }
        let vocabulary = Array(model.vocabulary.keys).compactMap(ByteLevelAlphabet.decode).filter { !$0.isEmpty }
        let chinese = try TestFiles.lines(TestFiles.fixture("tokenizer_corpus.txt")).filter { $0.utf8.contains { $0 >= 0xE4 } }
        let characters = chinese.flatMap { $0.unicodeScalars.filter { $0.value >= 0x80 } }.map { Array(String($0).utf8) }
        let reference = ReferenceBPE(model)
        var rng = SplitMix64(seed: 11)
        var words: [[UInt8]] = []
        // Pieces of every kind next to each other: tokens (live pairs inside), CJK and other
        // characters (mostly dead boundaries), spaces and arbitrary bytes.
        for _ in 0..<3000 {
            var word: [UInt8] = []
            for _ in 0..<Int.random(in: 1...10, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: word += vocabulary[Int.random(in: 0..<vocabulary.count, using: &rng)]
                case 1: word += characters[Int.random(in: 0..<characters.count, using: &rng)]
                case 2: word.append([0x20, 0x0A, 0x27][Int.random(in: 0..<3, using: &rng)])
                default: word.append(UInt8.random(in: 0...255, using: &rng))
                }
            }
            words.append(word)
        }
        // Whole Chinese lines (long words, many cuts, some past the cache's length limit).
        words += chinese.prefix(200).map { Array($0.utf8.prefix(400)) }
        for word in words {
            XCTAssertEqual(tokens(model, word), reference.tokens(word), "\(word)")
        }
    }

    private func tokens(_ model: BPE, _ word: [UInt8]) -> [ModelToken] {
        var out: [ModelToken] = []
        word.withUnsafeBufferPointer { model.tokenize($0, byteLevel: true, into: &out) }
        return out
    }
}

/// Textbook BPE on the whole word: merge the lowest-ranked adjacent pair, leftmost first.
private struct ReferenceBPE {
    private struct Pair: Hashable { let a: String, b: String }
    private let model: BPE
    private var ranks: [Pair: Int] = [:]

    init(_ model: BPE) {
        self.model = model
        for (rank, (a, b)) in model.mergePairs.enumerated() { ranks[Pair(a: a, b: b)] = rank }
    }

    func tokens(_ word: [UInt8]) -> [ModelToken] {
        var symbols = word.map { (text: String(decoding: ByteLevelAlphabet.utf8[Int($0)], as: UTF8.self), bytes: 1) }
        while symbols.count > 1 {
            var best = Int.max, at = -1
            for k in 0..<(symbols.count - 1) {
                if let r = ranks[Pair(a: symbols[k].text, b: symbols[k + 1].text)], r < best { best = r; at = k }
            }
            if at < 0 { break }
            symbols[at] = (symbols[at].text + symbols[at + 1].text, symbols[at].bytes + symbols[at + 1].bytes)
            symbols.remove(at: at + 1)
        }
        var offset: Int32 = 0
        return symbols.map { s in
            defer { offset += Int32(s.bytes) }
            return ModelToken(id: Int32(model.id(forToken: s.text)!), start: offset, end: offset + Int32(s.bytes))
        }
    }
}

/// A seeded generator, so a failure repeats.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
