import NLPTensor

/// The input of a language model: token ids of `batch` sequences padded to `length`, row-major
/// [batch, length], with the attention mask (1 = token, 0 = padding) and optional token type ids.
public struct TokenBatch {
    public var ids: [Int32]
    public var batch: Int
    public var length: Int
    /// [batch, length] of 1/0; nil when nothing is padded.
    public var attentionMask: [Int32]?
    /// [batch, length] segment ids (BERT); nil means all 0.
    public var tokenTypeIds: [Int32]?

    public init(ids: [Int32], batch: Int, length: Int, attentionMask: [Int32]? = nil, tokenTypeIds: [Int32]? = nil) {
        precondition(ids.count == batch * length, "\(ids.count) ids for a batch of \(batch) × \(length)")
        precondition(attentionMask.map { $0.count == ids.count } ?? true, "attention mask size differs from the ids")
        precondition(tokenTypeIds.map { $0.count == ids.count } ?? true, "token type ids size differs from the ids")
        self.ids = ids
        self.batch = batch
        self.length = length
        self.attentionMask = attentionMask
        self.tokenTypeIds = tokenTypeIds
    }

    /// Sequences of different lengths, right-padded with `padId` to the longest.
    public init(sequences: [[Int32]], padId: Int32 = 0) {
        let length = sequences.map(\.count).max() ?? 0
        var ids = [Int32](repeating: padId, count: sequences.count * length)
        var mask = [Int32](repeating: 0, count: sequences.count * length)
        var padded = false
        for (b, sequence) in sequences.enumerated() {
            for (t, id) in sequence.enumerated() {
                ids[b * length + t] = id
                mask[b * length + t] = 1
            }
            padded = padded || sequence.count < length
        }
        self.init(ids: ids, batch: sequences.count, length: length, attentionMask: padded ? mask : nil)
    }

    public var shape: [Int] { [batch, length] }

    /// Tokens per row (the whole length when there is no mask).
    public var lengths: [Int] {
        guard let mask = attentionMask else { return Array(repeating: length, count: batch) }
        return (0..<batch).map { b in (0..<length).reduce(0) { $0 + Int(mask[b * length + $1]) } }
    }

    /// Position ids [batch · length] that count each row's real tokens (0, 1, … over the tokens;
    /// a padding position repeats the next token's), so left and right padding give a row the
    /// positions it has alone.
    public func positionsCountingTokens() -> [Int32] {
        var ids = [Int32](repeating: 0, count: batch * length)
        for b in 0..<batch {
            var next: Int32 = 0
            for t in 0..<length {
                ids[b * length + t] = next
                if (attentionMask?[b * length + t] ?? 1) != 0 { next += 1 }
            }
        }
        return ids
    }

    /// The attention mask as a [batch, length] tensor (for attention and pooling), or nil.
    public var maskTensor: Tensor? {
        attentionMask.map { m in Tensor(shape: [batch, length], scalars: m.map(Float.init)) }
    }
}

extension TokenBatch {
    /// The sequences `rows` of the batch (a shard for data parallelism).
    public func rows(_ rows: Range<Int>) -> TokenBatch {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= batch, "rows \(rows) of a batch of \(batch)")
        let elements = (rows.lowerBound * length)..<(rows.upperBound * length)
        return TokenBatch(ids: Array(ids[elements]), batch: rows.count, length: length,
                          attentionMask: attentionMask.map { Array($0[elements]) },
                          tokenTypeIds: tokenTypeIds.map { Array($0[elements]) })
    }
}
