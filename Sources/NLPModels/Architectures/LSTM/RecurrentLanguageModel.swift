import NLPTensor

/// A recurrent language model in the layout of PyTorch's word_language_model example:
/// embedding.weight [V, E] → dropout → rnn (LSTM/GRU/RNN, PyTorch names: rnn.weight_ih_l0, …)
/// → dropout → decoder [V, H] (+ decoder.bias) → logits. With tied embeddings the decoder's
/// weight is embedding.weight (saved once). The state carries across calls (generation,
/// truncated backpropagation through time).
public final class RecurrentLanguageModel: Module {
    public let config: RecurrentLanguageModelConfig
    public let embedding: Embedding
    public let rnn: RecurrentNetwork
    public let decoder: Linear?          // nil when tied: the embedding matrix projects back
    public let decoderBias: Tensor?      // the tied head's bias
    public let dropout: Dropout
    /// The config.json this model came from (its other keys are written back on save).
    public var baseConfig = ConfigJSON()

    public override var checkpointKeys: [String: String] { ["decoderBias": "decoder.bias"] }

    public init(_ config: RecurrentLanguageModelConfig, generator: RandomGenerator? = nil) {
        self.config = config
        embedding = Embedding(config.vocabSize, config.embeddingSize)
        rnn = RecurrentNetwork(config.cell, inputSize: config.embeddingSize, hiddenSize: config.hiddenSize,
                               layers: config.layers, dropout: config.dropout)
        decoder = config.tiesEmbeddings ? nil : Linear(config.hiddenSize, config.vocabSize)
        decoderBias = config.tiesEmbeddings ? parameter([config.vocabSize]) : nil
        dropout = Dropout(config.dropout)
        super.init()
        if let generator { resetParameters(using: generator) }
        nameParameters()
    }

    /// The word_language_model's: embedding and decoder U(−0.1, 0.1), decoder bias 0, RNN PyTorch's.
    public override func resetOwnParameters(using generator: RandomGenerator) {
        generator.fillUniform(embedding.weight.data, count: embedding.weight.count, low: -0.1, high: 0.1)
        if let decoder {
            generator.fillUniform(decoder.weight.data, count: decoder.weight.count, low: -0.1, high: 0.1)
            decoder.bias?.data.update(repeating: 0, count: config.vocabSize)
        }
        decoderBias?.data.update(repeating: 0, count: config.vocabSize)
    }

    /// Logits [B, T, V] and the state after the input (feed it back for the next chunk).
    public func callAsFunction(_ input: TokenBatch, state: RecurrentState? = nil) -> (logits: Tensor, state: RecurrentState) {
        let x = dropout(embedding(input.ids, shape: input.shape))                  // [B, T, E]
        let lengths = input.attentionMask == nil ? nil : input.lengths
        let (h, next) = rnn(x, lengths: lengths, state: state)                     // [B, T, H]
        let y = dropout(h)
        let logits = decoder.map { $0(y) } ?? y.linear(weight: embedding.weight, bias: decoderBias)
        return (logits, next)
    }

    /// Mean cross-entropy of `targets` [B·T] (-100 = ignore) and the state after the input.
    public func loss(_ input: TokenBatch, targets: [Int32], state: RecurrentState? = nil) -> (loss: Tensor, state: RecurrentState) {
        let (logits, next) = self(input, state: state)
        return (logits.crossEntropy(targets: targets), next)
    }
}
