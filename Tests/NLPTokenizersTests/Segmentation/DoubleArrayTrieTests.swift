import XCTest
@testable import NLPTokenizers

final class DoubleArrayTrieTests: XCTestCase {
    func testFindsEveryKeyAndNothingElse() {
        var random = SegmenterRandom(seed: 7)
        var keys = Set<[Int32]>()
        while keys.count < 3000 {
            let length = 1 + Int(random.next() % 6)
            keys.insert((0..<length).map { _ in Int32(1 + random.next() % 40) })
        }
        let list = Array(keys)
        let trie = DoubleArrayTrie(keys: list)
        for (i, key) in list.enumerated() {
            let node = trie.node(for: key)
            XCTAssertGreaterThanOrEqual(node, 0)
            XCTAssertEqual(trie.value[Int(node)], Int32(i))
        }
        var absent = 0
        for _ in 0..<3000 {
            let key = (0..<(1 + Int(random.next() % 6))).map { _ in Int32(1 + random.next() % 40) }
            if keys.contains(key) { continue }
            absent += 1
            let node = trie.node(for: key)
            XCTAssertTrue(node < 0 || trie.value[Int(node)] == -1, "\(key) found but never added")
        }
        XCTAssertGreaterThan(absent, 100)
    }

    func testEmptyTrie() {
        let trie = DoubleArrayTrie(keys: [])
        XCTAssertEqual(trie.node(for: [1]), -1)
    }
}
