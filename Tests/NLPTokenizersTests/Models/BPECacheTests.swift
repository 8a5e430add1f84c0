import XCTest
@testable import NLPTokenizers

/// The per-thread BPE word cache: exact replay, growth, and a full cache that forgets the words
/// not seen lately but keeps the frequent ones.
final class BPECacheTests: XCTestCase {
    private func word(_ k: Int) -> [UInt8] { Array("w\(k)".utf8) + (k % 7 == 0 ? Array(repeating: 0xE4, count: k % 40) : []) }

    private func tokens(_ k: Int, _ word: [UInt8]) -> [ModelToken] {
        // Some one-token words, some split in two, ids tied to k.
        let n = Int32(word.count)
        return k % 3 == 0 ? [ModelToken(id: Int32(k), start: 0, end: n)]
                          : [ModelToken(id: Int32(k), start: 0, end: 1), ModelToken(id: Int32(k + 1), start: 1, end: n)]
    }

    private func lookup(_ cache: BPECache, _ word: [UInt8]) -> [ModelToken]? {
        let buffer = TokenBuffer(capacity: 4)
        let found = word.withUnsafeBufferPointer { cache.lookup($0, hash: BPECache.hash($0, true), into: buffer) }
        return found ? Array(UnsafeBufferPointer(start: buffer.base, count: buffer.count)) : nil
    }

    private func store(_ cache: BPECache, _ k: Int) {
        let w = word(k), t = tokens(k, w)
        w.withUnsafeBufferPointer { p in t.withUnsafeBufferPointer { cache.store(p, hash: BPECache.hash(p, true), tokens: $0) } }
    }

    func testFullCacheKeepsFrequentWordsAndReplaysExactly() throws {
        let model = try BPE(vocabulary: [("a", 0)], merges: [])
        let cache = BPECache(model: model.serial)
        let total = 3 * BPECache.generationCapacity
        store(cache, -1)
        for k in 0..<total {
            store(cache, k)
            if k % 100 == 0 { XCTAssertEqual(lookup(cache, word(-1)), tokens(-1, word(-1)), "the frequent word after \(k)") }
        }
        XCTAssertNil(lookup(cache, word(0)), "a word not seen since the cache filled twice")
        for k in (total - BPECache.generationCapacity / 2)..<total {
            XCTAssertEqual(lookup(cache, word(k)), tokens(k, word(k)), "recent word \(k)")
        }
        // The same bytes looked up as non-byte-level words are other keys.
        word(total - 1).withUnsafeBufferPointer { p in
            XCTAssertFalse(cache.lookup(p, hash: BPECache.hash(p, false), into: TokenBuffer(capacity: 4)))
        }
    }

    func testResultsWithGapsAreNotCached() throws {
        let model = try BPE(vocabulary: [("a", 0)], merges: [])
        let cache = BPECache(model: model.serial)
        let w: [UInt8] = Array("abc".utf8)
        let gapped = [ModelToken(id: 1, start: 0, end: 1), ModelToken(id: 2, start: 2, end: 3)]
        w.withUnsafeBufferPointer { p in gapped.withUnsafeBufferPointer { cache.store(p, hash: BPECache.hash(p, true), tokens: $0) } }
        XCTAssertNil(lookup(cache, w))
    }

    /// Caches are per model: a new model (even at a freed model's address) never gets another
    /// model's cache; the same model gets its own back.
    func testEachModelHasItsOwnCacheOnAThread() throws {
        var serials: Set<UInt64> = []
        var previous: BPECache?
        for _ in 0..<20 {
            let model = try BPE(vocabulary: [("a", 0)], merges: [])
            XCTAssertTrue(serials.insert(model.serial).inserted)
            let cache = Workspace.current.cache(for: model)
            XCTAssertEqual(cache.model, model.serial)
            XCTAssertTrue(Workspace.current.cache(for: model) === cache)
            XCTAssertFalse(previous === cache)
            previous = cache
        }
    }
}
