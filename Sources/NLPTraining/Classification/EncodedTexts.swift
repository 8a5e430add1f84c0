import NLPModels
import NLPTokenizers

/// Texts (or text pairs) as token ids, ready to be batched: one sequence per text with its
/// segment ids for pairs. The tokenizer's truncation decides the longest sequence.
public struct EncodedTexts: Sendable {
    public let sequences: [[Int32]]
    /// Segment ids (0 for the first text, 1 for the second), only for pairs.
    public let typeIds: [[Int32]]?
    public let padId: Int32

    public init(texts: [String], pairs: [String]? = nil, tokenizer: Tokenizer, padId: Int32, threads: Int? = nil) {
        let encodings: [Encoding]
        if let pairs {
            encodings = tokenizer.encodeBatch(pairs: Array(zip(texts, pairs)), threads: threads)
        } else {
            encodings = tokenizer.encodeBatch(texts, threads: threads)
        }
        sequences = encodings.map { $0.ids.map { Int32(truncatingIfNeeded: $0) } }
        typeIds = pairs == nil ? nil : encodings.map { $0.typeIDs.map { Int32(truncatingIfNeeded: $0) } }
        self.padId = padId
    }

    /// Sequences already tokenized (with their segment ids for pairs).
    public init(sequences: [[Int32]], typeIds: [[Int32]]? = nil, padId: Int32) {
        precondition(typeIds.map { $0.map(\.count) == sequences.map(\.count) } ?? true, "one segment id per token")
        self.sequences = sequences
        self.typeIds = typeIds
        self.padId = padId
    }

    public var count: Int { sequences.count }

    /// The sequences at `indices`, right-padded to the longest of them, with the attention mask.
    public func batch(_ indices: [Int]) -> TokenBatch {
        let length = indices.map { sequences[$0].count }.max() ?? 0
        var ids = [Int32](repeating: padId, count: indices.count * length)
        var mask = [Int32](repeating: 0, count: indices.count * length)
        var types: [Int32]? = typeIds == nil ? nil : [Int32](repeating: 0, count: indices.count * length)
        var padded = false
        for (row, index) in indices.enumerated() {
            let sequence = sequences[index]
            padded = padded || sequence.count < length
            for (t, id) in sequence.enumerated() {
                ids[row * length + t] = id
                mask[row * length + t] = 1
            }
            if let typeIds { for (t, type) in typeIds[index].enumerated() { types![row * length + t] = type } }
        }
        return TokenBatch(ids: ids, batch: indices.count, length: length, attentionMask: padded ? mask : nil, tokenTypeIds: types)
    }
}
