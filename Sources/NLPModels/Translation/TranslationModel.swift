import NLPTensor

/// What translation needs of a model (the Transformer `EncoderDecoderModel` or the LSTM with
/// attention `RecurrentTranslationModel`): teacher-forced logits for training and an incremental
/// decoding for beam search. Source and target share one vocabulary.
public protocol TranslationModel: PretrainedModel {
    var vocabSize: Int { get }
    var padTokenId: Int { get }
    var eosTokenId: Int { get }
    var decoderStartTokenId: Int { get }
    /// The most tokens of a source (end token included) or a target (start token included).
    var maxPositions: Int { get }
    /// Logits [B, T, V] of the target given the source (teacher forcing).
    func callAsFunction(source: TokenBatch, target: TokenBatch) -> Tensor
    /// A decoding of each source row repeated `beams` times (rows b·beams … b·beams + beams − 1),
    /// for up to `capacity` target positions; the source is encoded once.
    func startDecoding(_ source: TokenBatch, beams: Int, capacity: Int) -> TranslationDecoding
}

/// One incremental decoding run of a translation model (inference only).
public protocol TranslationDecoding: AnyObject {
    /// Logits [rows, 1, V] of the next position, given each row's last token.
    func next(_ tokens: [Int32]) -> Tensor
    /// Row i continues what row parents[i] held (beam search keeps the best hypotheses).
    func reorderRows(_ parents: [Int])
}

extension Tensor {
    /// [n, …] → [n·times, …]: each row (along the first axis) repeated `times` times in place.
    func repeatingRows(_ times: Int) -> Tensor {
        guard times > 1 else { return self }
        let n = shape[0], size = count / Swift.max(1, n)
        let out = Tensor(uninitializedShape: [n * times] + shape.dropFirst())
        for row in 0..<(n * times) { (out.data + row * size).update(from: data + (row / times) * size, count: size) }
        return out
    }
}
