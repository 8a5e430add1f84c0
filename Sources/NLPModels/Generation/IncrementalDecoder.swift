import NLPTensor

/// A causal language model decoding `batch` sequences a few tokens at a time, keeping what it
/// needs of the past (a GPT's keys and values, an LSTM's state) between calls. Every row of the
/// batch always holds the same number of positions; generation and beam search drive it.
public protocol IncrementalDecoder: AnyObject {
    /// Sequences decoded side by side.
    var batch: Int { get }
    /// Rows of the logits: the model's vocabulary (its embedding rows).
    var vocabularySize: Int { get }
    /// The most positions the model can attend to, or nil when it has no limit (recurrent models).
    var context: Int? { get }
    /// Positions fed since the last reset.
    var length: Int { get }

    /// Feeds `ids`, `batch` rows of the same length T ≥ 1 (row-major, [batch · T]), after the
    /// positions already fed, and returns the next-token logits of each row [batch, V].
    /// The length must stay within `context`.
    func feed(_ ids: [Int32]) -> Tensor

    /// Forgets every position.
    func reset()

    /// Says that a full context will restart on windows of `size` tokens (`restart(on:)`; nil:
    /// it will not), so that the decoder may prepare them ahead.
    func expectRestarts(windowSize size: Int?)

    /// Starts over on `window` (batch 1): the logits of `reset()` then `feed(window)`. When the
    /// window is the last positions fed and one new token, a decoder that expected it may reuse
    /// what it prepared.
    func restart(on window: [Int32]) -> Tensor

    /// Keeps the rows `sources` (row i continues what row `sources[i]` held): beam search's reorder.
    func reorder(rows sources: [Int])
}

extension IncrementalDecoder {
    public func expectRestarts(windowSize size: Int?) {}

    public func restart(on window: [Int32]) -> Tensor {
        reset()
        return feed(window)
    }
}
