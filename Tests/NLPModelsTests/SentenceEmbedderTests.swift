import NLPModels
import NLPTensor
import XCTest

/// 500 real sentences (400 SST-2 dev, 100 ChnSentiCorp dev) against sentence-transformers.
final class SentenceEmbedderTests: XCTestCase {
    func testEmbeddingsMatchSentenceTransformers() throws {
        let embedder = try SentenceEmbedder(folder: try TestPaths.requireMiniLM())
        XCTAssertEqual(embedder.pooling, .mean)
        XCTAssertTrue(embedder.normalizes)
        XCTAssertEqual(embedder.maxLength, 256)
        let reference = try SafetensorsFile(contentsOf: TestPaths.fixture("minilm_reference.safetensors"))
        let ids = try reference.integers(named: "all_ids").map(Int32.init)
        let lengths = try reference.integers(named: "all_lengths")
        var sequences: [[Int32]] = [], start = 0
        for n in lengths { sequences.append(Array(ids[start..<start + n])); start += n }
        let expected = try reference.tensor(named: "embeddings")
        let ours = embedder.embed(sequences, batchSize: 32)
        XCTAssertEqual(ours.shape, expected.shape)
        let worst = maxAbsDifference(ours, expected)
        let c = embedder.dimension
        let minCosine = (0..<sequences.count).map { cosine(ours.data + $0 * c, expected.data + $0 * c, c) }.min()!
        print("MiniLM embeddings, \(sequences.count) sentences: max |ours − sentence-transformers| = \(worst), min cosine = \(minCosine)")
        XCTAssertLessThan(worst, 1e-4)
        XCTAssertGreaterThanOrEqual(minCosine, 0.99999)
    }

    func testBatchingAndThreadsDoNotChangeTheVectors() throws {
        let embedder = try SentenceEmbedder(folder: try TestPaths.requireMiniLM())
        let reference = try SafetensorsFile(contentsOf: TestPaths.fixture("minilm_reference.safetensors"))
        let ids = try reference.integers(named: "all_ids").map(Int32.init)
        let lengths = try reference.integers(named: "all_lengths")
        var sequences: [[Int32]] = [], start = 0
        for n in lengths.prefix(40) { sequences.append(Array(ids[start..<start + n])); start += n }
        let threads = Parallelism.threads
        defer { Parallelism.setThreads(threads) }
        Parallelism.setThreads(1)
        let single = embedder.embed(sequences, batchSize: 1)
        Parallelism.setThreads(2)
        let batched = embedder.embed(sequences, batchSize: 7)
        XCTAssertLessThan(maxAbsDifference(single, batched), 2e-6)
    }
}
