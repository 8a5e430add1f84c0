import NLPTensor

/// Inverted dropout while the module is training; the identity in evaluation mode.
public final class Dropout: Module {
    public let probability: Float
    /// Where the masks come from (the default generator unless a model passes its own).
    public var generator: RandomGenerator?

    public init(_ probability: Float, generator: RandomGenerator? = nil) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        self.probability = probability
        self.generator = generator
    }

    /// The probability to use now: 0 unless training.
    public var activeProbability: Float { isTraining ? probability : 0 }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return x }
        return x.dropout(probability: probability, training: true, generator: generator ?? .default)
    }
}
