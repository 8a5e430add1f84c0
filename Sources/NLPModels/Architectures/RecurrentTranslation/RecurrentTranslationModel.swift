import NLPTensor

/// Translation with LSTMs and attention (Luong et al. 2015, without input feeding, so the decoder
/// runs over a whole target as one fused op in training): one embedding matrix [V, H] for source,
/// target and output; a bidirectional LSTM encoder (H/2 a direction, `layers` deep) whose final
/// states, the two directions side by side, start the decoder LSTM (H, `layers` deep); attention
/// of each decoder state over the encoder's outputs; tanh(W_c [h; context]) projected back through
/// the embedding to logits. Dropout on embeddings, between LSTM layers and before the output.
public final class RecurrentTranslationModel: Module, PlainPretrainedModel {
    public let config: RecurrentTranslationConfig
    public let shared: Embedding
    public let encoder: LSTM
    public let decoder: LSTM
    public let attention: MultiHeadAttention
    public let combine: Linear
    public let dropout: Dropout
    /// The config.json this model came from (its other keys are written back on save).
    public var baseConfig = ConfigJSON()

    public init(_ config: RecurrentTranslationConfig, generator: RandomGenerator? = nil) {
        self.config = config
        let h = config.hiddenSize
        shared = Embedding(config.vocabSize, h)
        encoder = LSTM(inputSize: h, hiddenSize: h / 2, layers: config.layers, bidirectional: true, dropout: config.dropout)
        decoder = LSTM(inputSize: h, hiddenSize: h, layers: config.layers, dropout: config.dropout)
        attention = MultiHeadAttention(width: h, heads: config.heads)
        combine = Linear(2 * h, h, bias: false)
        dropout = Dropout(config.dropout)
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    /// Embeddings normal(0, H^-1/2), the padding row zero; the LSTMs, attention and combine keep
    /// PyTorch's initialization.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        let width = config.hiddenSize
        generator.fillNormal(shared.weight.data, count: shared.weight.count, standardDeviation: 1 / Float(width).squareRoot())
        if config.padTokenId >= 0 && config.padTokenId < config.vocabSize {
            (shared.weight.data + config.padTokenId * width).update(repeating: 0, count: width)
        }
    }

    /// The encoder's outputs [B, S, H] and the decoder's initial state ([layers, B, H]: each layer's
    /// forward and backward final states side by side).
    public func encode(_ source: TokenBatch) -> (memory: Tensor, state: RecurrentState) {
        let x = dropout(shared(source.ids, shape: source.shape))
        let (memory, final) = encoder(x, lengths: source.attentionMask == nil ? nil : source.lengths)
        func joined(_ t: Tensor) -> Tensor {   // [2L, B, H/2] → [L, B, H]
            Tensor.concat((0..<config.layers).map { layer in
                Tensor.concat([t.slice(axis: 0, (2 * layer)..<(2 * layer + 1)), t.slice(axis: 0, (2 * layer + 1)..<(2 * layer + 2))], axis: 2)
            }, axis: 0)
        }
        return (memory, RecurrentState(hidden: joined(final.hidden), cell: final.cell.map(joined)))
    }

    /// Logits [B, T, V] of the target positions and the decoder state after them, attending over
    /// the memory (or its precomputed `memoryKeyValues`) with memoryMask [B, S].
    public func decode(_ target: TokenBatch, state: RecurrentState, memory: Tensor? = nil, memoryKeyValues: Tensor? = nil,
                       memoryMask: Tensor?) -> (logits: Tensor, state: RecurrentState) {
        let y = dropout(shared(target.ids, shape: target.shape))
        let (h, next) = decoder(y, state: state)   // right padding: later positions never reach earlier ones
        let context = attention(h, memory: memory, memoryKeyValues: memoryKeyValues, memoryMask: memoryMask)
        let out = dropout(combine(Tensor.concat([h, context], axis: 2)).tanh())
        return (out.linear(weight: shared.weight), next)
    }

    /// Logits [B, T, V] of the target given the source (teacher forcing).
    public func callAsFunction(source: TokenBatch, target: TokenBatch) -> Tensor {
        let (memory, state) = encode(source)
        return decode(target, state: state, memory: memory, memoryMask: source.maskTensor).logits
    }
}

extension RecurrentTranslationModel: TranslationModel {
    public var vocabSize: Int { config.vocabSize }
    public var padTokenId: Int { config.padTokenId }
    public var eosTokenId: Int { config.eosTokenId }
    public var decoderStartTokenId: Int { config.decoderStartTokenId }
    public var maxPositions: Int { config.maxPositions }

    public func startDecoding(_ source: TokenBatch, beams: Int, capacity: Int) -> TranslationDecoding {
        RecurrentTranslationDecoding(self, source: source, beams: beams)
    }
}

/// The LSTM decoder carries its state a step at a time; the memory's attention keys and values are
/// computed once per source and repeated for its beams.
final class RecurrentTranslationDecoding: TranslationDecoding {
    let model: RecurrentTranslationModel
    let memoryKeyValues: Tensor, memoryMask: Tensor?
    var state: RecurrentState

    init(_ model: RecurrentTranslationModel, source: TokenBatch, beams: Int) {
        self.model = model
        let (memory, initial) = model.encode(source)
        memoryKeyValues = model.attention.memoryKeyValues(memory).repeatingRows(beams)
        memoryMask = source.maskTensor?.repeatingRows(beams)
        state = initial.reorderedRows((0..<(source.batch * beams)).map { $0 / beams })
    }

    func next(_ tokens: [Int32]) -> Tensor {
        let (logits, next) = model.decode(TokenBatch(ids: tokens, batch: tokens.count, length: 1), state: state,
                                          memoryKeyValues: memoryKeyValues, memoryMask: memoryMask)
        state = next
        return logits
    }

    func reorderRows(_ parents: [Int]) {
        guard parents.enumerated().contains(where: { $0.offset != $0.element }) else { return }
        state = state.reorderedRows(parents)
    }
}
