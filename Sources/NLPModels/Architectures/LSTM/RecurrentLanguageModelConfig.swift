import NLPTensor

/// Our recurrent language model's hyper-parameters. config.json keys: model_type "lstm_lm"
/// (or "gru_lm", "rnn_lm" for the other cells), vocab_size, embedding_size, hidden_size,
/// num_layers, dropout, tie_word_embeddings (needs embedding_size == hidden_size).
public struct RecurrentLanguageModelConfig: Equatable, Sendable, ModelConfiguration {
    public var cell: RecurrentCell
    public var vocabSize: Int
    public var embeddingSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var dropout: Float
    public var tiesEmbeddings: Bool

    public init(cell: RecurrentCell = .lstm, vocabSize: Int, embeddingSize: Int = 128, hiddenSize: Int = 256, layers: Int = 2,
                dropout: Float = 0, tiesEmbeddings: Bool = false) {
        precondition(!tiesEmbeddings || embeddingSize == hiddenSize, "tied embeddings need embedding_size == hidden_size")
        self.cell = cell
        self.vocabSize = vocabSize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.tiesEmbeddings = tiesEmbeddings
    }

    static let modelTypes: [String: RecurrentCell] = ["lstm_lm": .lstm, "gru_lm": .gru, "rnn_lm": .tanh]

    public var modelType: String { Self.modelTypes.first { $0.value == cell }!.key }

    public init(json c: ConfigJSON) throws {
        let type = try c.string("model_type")
        guard let cell = Self.modelTypes[type] else {
            throw ModelError.unsupported(file: c.file, what: "model_type \"\(type)\" for a recurrent language model")
        }
        self.init(cell: cell, vocabSize: try c.int("vocab_size"), embeddingSize: try c.int("embedding_size", default: 128),
                  hiddenSize: try c.int("hidden_size", default: 256), layers: try c.int("num_layers", default: 2),
                  dropout: try c.float("dropout", default: 0), tiesEmbeddings: false)
        tiesEmbeddings = try c.bool("tie_word_embeddings", default: false)
        for (key, value) in [("vocab_size", vocabSize), ("embedding_size", embeddingSize), ("hidden_size", hiddenSize),
                             ("num_layers", layers)] where value <= 0 {
            throw ModelError.badConfig(file: c.file, key: key, expected: "a positive integer")
        }
        if tiesEmbeddings && embeddingSize != hiddenSize {
            throw ModelError.badConfig(file: c.file, key: "tie_word_embeddings", expected: "false unless embedding_size equals hidden_size")
        }
    }

    public func write(to c: inout ConfigJSON) {
        c["model_type"] = modelType
        c["vocab_size"] = vocabSize
        c["embedding_size"] = embeddingSize
        c["hidden_size"] = hiddenSize
        c["num_layers"] = layers
        c["dropout"] = ConfigJSON.number(dropout)
        c["tie_word_embeddings"] = tiesEmbeddings
    }
}
