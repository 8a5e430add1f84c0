import Foundation
import NLPTensor
import NLPTokenizers
import XCTest
@testable import NLPTraining

final class PretrainingDataTests: XCTestCase {
    func testBatchPlansAreSeededPermutations() {
        let a = BatchPlan.shuffled(count: 10, batchSize: 3, seed: 4)
        XCTAssertEqual(a, BatchPlan.shuffled(count: 10, batchSize: 3, seed: 4))
        XCTAssertNotEqual(a, BatchPlan.shuffled(count: 10, batchSize: 3, seed: 5))
        XCTAssertEqual(a.map(\.count), [3, 3, 3, 1])
        XCTAssertEqual(a.flatMap { $0 }.sorted(), Array(0..<10))
        XCTAssertEqual(BatchPlan.shuffled(count: 10, batchSize: 3, seed: 4, dropLast: true).count, 3)
    }

    func testLengthGroupedBatchesHoldSimilarLengths() {
        let lengths = (0..<400).map { ($0 * 37) % 100 + 1 }
        let batches = BatchPlan.lengthGrouped(lengths: lengths, batchSize: 8, seed: 1, groupBatches: 50)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<400))
        XCTAssertEqual(lengths[batches[0][0]], 100, "the longest batch first")
        let spread = batches.map { b in b.map { lengths[$0] }.max()! - b.map { lengths[$0] }.min()! }
        XCTAssertLessThan(Double(spread.reduce(0, +)) / Double(spread.count), 10)
        XCTAssertEqual(batches, BatchPlan.lengthGrouped(lengths: lengths, batchSize: 8, seed: 1, groupBatches: 50))
    }

    func testPackedBlocksHoldOutEveryHundredth() {
        let blocks = PackedBlocks(streamLength: 10_000, window: 33, stride: 32)
        XCTAssertEqual(blocks.train.count + blocks.validation.count, (10_000 - 33) / 32 + 1)
        XCTAssertEqual(blocks.validation, [99 * 32, 199 * 32, 299 * 32])
        XCTAssertTrue(Set(blocks.train).isDisjoint(with: blocks.validation))
        let tiny = PackedBlocks(streamLength: 70, window: 33, stride: 32)
        XCTAssertEqual(tiny.train.count, 1)
        XCTAssertEqual(tiny.validation.count, 1)
    }

    func testMaskingProportions() {
        let special: Set<Int32> = [0, 1, 2, 3]
        let masking = MaskedLanguageModeling(maskId: 4, vocabularySize: 100, special: special)
        var ids: [Int32] = (0..<20_000).map { (i: Int) -> Int32 in i % 128 == 0 ? 2 : Int32(5 + i % 95) }
        let original = ids
        let labels = masking.mask(&ids, rowLength: 128, generator: RandomGenerator(seed: 1))
        let chosen = labels.indices.filter { labels[$0] != -100 }
        XCTAssertEqual(Double(chosen.count) / Double(ids.count), 0.15, accuracy: 0.01)
        XCTAssertTrue(chosen.allSatisfy { labels[$0] == original[$0] && !special.contains(original[$0]) })
        let masked = chosen.filter { ids[$0] == 4 }.count, kept = chosen.filter { ids[$0] == original[$0] }.count
        XCTAssertEqual(Double(masked) / Double(chosen.count), 0.8, accuracy: 0.03)
        XCTAssertEqual(Double(kept) / Double(chosen.count), 0.1 + 0.1 / 95, accuracy: 0.03)
        XCTAssertTrue(ids.indices.allSatisfy { labels[$0] != -100 || ids[$0] == original[$0] })
        XCTAssertTrue(ids.allSatisfy { !special.subtracting([2]).contains($0) }, "no special token drawn as a replacement")
    }

    func testCorpusErrorsNameTheLine() throws {
        let path = NSTemporaryDirectory() + "corpus-\(UUID().uuidString).txt"
        defer { unlink(path) }
        try Data([0x61, 0x0A, 0x0A, 0x62, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: path))
        let letters = NSTemporaryDirectory() + "letters-\(UUID().uuidString).txt"
        defer { unlink(letters) }
        try Data("ab\n".utf8).write(to: URL(fileURLWithPath: letters))
        let tokenizer = try LanguageModelRecipe.trainTokenizer(.char, files: [letters], vocabularySize: 100, architecture: .gpt)
        XCTAssertThrowsError(try TokenCorpus(files: [path], tokenizer: tokenizer, separator: 0)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path):3: invalid UTF-8"), "\(error)")
        }
        let lossy = try TokenCorpus(files: [path], tokenizer: tokenizer, separator: 0, lossy: true)
        XCTAssertEqual(lossy.documents, 2, "the blank line is not a document")
    }
}
