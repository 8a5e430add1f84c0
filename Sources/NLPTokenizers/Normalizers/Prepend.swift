/// Puts a prefix before the text (not before an empty text).
public struct Prepend: Normalizer {
    public let prefix: String
    public init(_ prefix: String) { self.prefix = prefix }
    public var json: JSON { .object(["type": "Prepend", "prepend": .string(prefix)]) }

    public func normalize(_ text: inout NormalizedString) {
        text.prepend(prefix.unicodeScalars.map(\.value))
    }
}
