/// Why a model folder could not be read or written. Each message is one line that names the file.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A file the folder needs is not there.
    case missingFile(String)
    /// A file is there but cannot be used (bad JSON, truncated safetensors, …).
    case unreadable(file: String, reason: String)
    /// config.json lacks a key or holds a value of the wrong kind.
    case badConfig(file: String, key: String, expected: String)
    /// config.json names an architecture this toolkit does not have.
    case unsupported(file: String, what: String)
    /// A tensor has another shape than the config implies.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// The model needs a tensor the file does not have.
    case missingTensor(file: String, tensor: String)
    /// The file has a tensor the model does not know.
    case unexpectedTensor(file: String, tensor: String)
    /// Writing failed.
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let file): return "\(file): no such file"
        case .unreadable(let file, let reason): return "\(file): \(reason)"
        case .badConfig(let file, let key, let expected): return "\(file): \"\(key)\" should be \(expected)"
        case .unsupported(let file, let what): return "\(file): unsupported \(what)"
        case .shapeMismatch(let file, let tensor, let expected, let found):
            return "\(file): tensor \"\(tensor)\" has shape \(found), expected \(expected) from config.json"
        case .missingTensor(let file, let tensor): return "\(file): tensor \"\(tensor)\" is missing"
        case .unexpectedTensor(let file, let tensor):
            return "\(file): unexpected tensor \"\(tensor)\" (not part of the model config.json describes)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        }
    }
}
