import NLPTensor

/// The activation functions of the architectures, by their Hugging Face `hidden_act` /
/// `activation_function` names.
public enum Activation: String, Sendable {
    /// Exact GELU, x·Φ(x) with erf (BERT's "gelu").
    case gelu
    /// The tanh approximation (GPT-2's "gelu_new"; also "gelu_pytorch_tanh").
    case geluTanh = "gelu_new"
    case relu
    case tanh

    /// The activation named `name` in a config file, or nil.
    public init?(configName name: String) {
        switch name {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "relu": self = .relu
        case "tanh": self = .tanh
        default: return nil
        }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .gelu: return x.gelu()
        case .geluTanh: return x.gelu(approximation: .tanh)
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        }
    }
}
