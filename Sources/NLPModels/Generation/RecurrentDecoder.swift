import NLPTensor

/// Incremental decoding of a recurrent language model: the state after each feed is carried into
/// the next, so a token costs one step of the network whatever came before, and there is no
/// context limit.
public final class RecurrentDecoder: IncrementalDecoder {
    public let model: RecurrentLanguageModel
    public let batch: Int
    public private(set) var length = 0
    private var state: RecurrentState?

    public init(_ model: RecurrentLanguageModel, batch: Int = 1) {
        precondition(batch >= 1, "a decoder needs at least one row")
        precondition(!model.rnn.bidirectional, "a bidirectional network cannot decode left to right")
        self.model = model
        self.batch = batch
    }

    public var vocabularySize: Int { model.config.vocabSize }
    public var context: Int? { nil }

    public func feed(_ ids: [Int32]) -> Tensor {
        precondition(!ids.isEmpty && ids.count % batch == 0, "feed \(ids.count) ids to \(batch) rows")
        let t = ids.count / batch, vocabulary = vocabularySize
        for id in ids { precondition(id >= 0 && Int(id) < vocabulary, "token id \(id) outside the vocabulary of \(vocabulary)") }
        return noGrad {
            let (logits, next) = model(TokenBatch(ids: ids, batch: batch, length: t), state: state)   // [B, T, V]
            state = next
            length += t
            return t == 1 ? logits.reshaped([batch, vocabulary]) : GPTLanguageModel.lastPosition(logits)
        }
    }

    public func reset() {
        state = nil
        length = 0
    }

    public func reorder(rows sources: [Int]) {
        precondition(sources.count == batch && sources.allSatisfy { (0..<batch).contains($0) }, "reorder rows \(sources)")
        guard let state, sources != Array(0..<batch) else { return }
        self.state = state.reorderedRows(sources)
    }
}
