import Dispatch
import Foundation
import NLPTensor

/// Sentence embeddings as a sentence-transformers model folder describes them: a BERT encoder,
/// a pooling (1_Pooling/config.json), L2 normalization when modules.json lists Normalize, and
/// inputs cut at max_seq_length (sentence_bert_config.json).
///
/// `embed` sorts the sequences by length so each batch carries little padding, runs the batches
/// without a graph, and puts the vectors back in input order. With more than one thread the
/// batches themselves run in parallel, one per thread with single-threaded kernels and BLAS
/// (parallel at one level: whole batches, not the ops inside them).
public final class SentenceEmbedder {
    public let model: BertModel
    public let pooling: Pooling
    public let normalizes: Bool
    /// Longest input in tokens (special tokens included).
    public let maxLength: Int

    public init(model: BertModel, pooling: Pooling = .mean, normalizes: Bool = true, maxLength: Int? = nil) {
        self.model = model
        self.pooling = pooling
        self.normalizes = normalizes
        self.maxLength = Swift.min(maxLength ?? model.config.maxPositions, model.config.maxPositions)
        model.eval()
    }

    /// Reads a sentence-transformers model folder (or a plain BERT folder: mean pooling, normalized).
    public convenience init(folder: String) throws {
        let model = try BertModel.load(folder: folder)
        var pooling = Pooling.mean, normalizes = true, maxLength: Int?
        let poolingFile = ModelFolder.path(folder, "1_Pooling/config.json")
        if FileManager.default.fileExists(atPath: poolingFile) {
            let c = try ConfigJSON(contentsOf: poolingFile)
            if try c.bool("pooling_mode_cls_token", default: false) { pooling = .cls }
            else if try c.bool("pooling_mode_max_tokens", default: false) { pooling = .max }
            else if try c.bool("pooling_mode_mean_sqrt_len_tokens", default: false) { pooling = .meanSquareRootLength }
            else if try !c.bool("pooling_mode_mean_tokens", default: true) {
                throw ModelError.unsupported(file: poolingFile, what: "pooling mode (mean, cls, max or mean_sqrt_len)")
            }
        }
        let modulesFile = ModelFolder.path(folder, "modules.json")
        if FileManager.default.fileExists(atPath: modulesFile) {
            guard let data = FileManager.default.contents(atPath: modulesFile),
                  let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw ModelError.unreadable(file: modulesFile, reason: "expected a JSON array of module objects")
            }
            normalizes = list.contains { ($0["type"] as? String)?.hasSuffix("Normalize") == true }
        }
        let stFile = ModelFolder.path(folder, "sentence_bert_config.json")
        if FileManager.default.fileExists(atPath: stFile) {
            maxLength = try ConfigJSON(contentsOf: stFile).optionalInt("max_seq_length")
        }
        self.init(model: model, pooling: pooling, normalizes: normalizes, maxLength: maxLength)
    }

    public var dimension: Int { model.config.hiddenSize }

    /// One vector per sequence of token ids (special tokens included, at most `maxLength`), in input
    /// order: [N, dimension].
    public func embed(_ sequences: [[Int32]], batchSize: Int = 32) -> Tensor {
        precondition(batchSize > 0, "batch size \(batchSize)")
        for s in sequences { precondition(s.count <= maxLength, "a sequence of \(s.count) tokens exceeds \(maxLength)") }
        let out = Tensor(uninitializedShape: [sequences.count, dimension])
        // Longest first (as sentence-transformers does): the costly batches start early, so the
        // workers finish together.
        let order = sequences.indices.sorted { (sequences[$0].count, $1) > (sequences[$1].count, $0) }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<Swift.min($0 + batchSize, order.count)]) }
        let workers = Swift.min(Parallelism.threads, batches.count)
        noGrad {
            if workers <= 1 {
                for batch in batches { embedBatch(batch, sequences, into: out) }
                return
            }
            let threads = Parallelism.threads
            Parallelism.setThreads(1)
            defer { Parallelism.setThreads(threads) }
            let next = SharedCounter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = next.take(below: batches.count) { embedBatch(batches[i], sequences, into: out) }
            }
        }
        return out
    }

    private func embedBatch(_ indices: [Int], _ sequences: [[Int32]], into out: Tensor) {
        let batch = TokenBatch(sequences: indices.map { sequences[$0] }, padId: Int32(model.config.padTokenId))
        var pooled = pooling(model(batch), lengths: indices.map { sequences[$0].count })
        if normalizes { pooled = l2Normalized(pooled) }
        for (row, index) in indices.enumerated() {
            (out.data + index * dimension).update(from: pooled.data + row * dimension, count: dimension)
        }
    }
}
