/// The incremental decoder for a loaded model, or why it cannot generate text.
public enum LanguageModelDecoders {
    public static func decoder(for loaded: LoadedModel, batch: Int = 1) throws -> IncrementalDecoder {
        switch loaded {
        case .gpt(let model):
            guard !model.config.crossAttention else {
                throw GenerationError.notALanguageModel("a GPT decoder with cross-attention (it needs an encoder's output)")
            }
            return GPTDecoder(model, batch: batch)
        case .recurrent(let model):
            guard !model.rnn.bidirectional else { throw GenerationError.notALanguageModel("a bidirectional recurrent network") }
            return RecurrentDecoder(model, batch: batch)
        case .bert: throw GenerationError.notALanguageModel("a BERT encoder")
        case .sequenceClassifier: throw GenerationError.notALanguageModel("a BERT sequence classifier")
        case .maskedLanguageModel: throw GenerationError.notALanguageModel("a BERT masked language model (it fills in blanks)")
        case .encoderDecoder: throw GenerationError.notALanguageModel("an encoder-decoder (translation) model")
        }
    }
}
