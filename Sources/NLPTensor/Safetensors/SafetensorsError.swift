/// Why a safetensors file could not be read or written. Each message names the file and, where
/// there is one, the tensor.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
