/// Replaces every match of a pattern by `content`.
public struct Replace: Normalizer {
    public let pattern: Pattern
    public let content: String
    private let compiled: CompiledPattern
    private let contentScalars: [UInt32]

    public init(_ pattern: Pattern, with content: String) throws {
        self.pattern = pattern
        self.content = content
        compiled = try CompiledPattern(pattern)
        contentScalars = content.unicodeScalars.map(\.value)
    }

    public var json: JSON { .object(["type": "Replace", "pattern": pattern.json, "content": .string(content)]) }

    public func normalize(_ text: inout NormalizedString) {
        let matches = text.bytes.withUnsafeBufferPointer { compiled.matches(in: $0) }
        text.replace(matches: matches, with: contentScalars)
    }
}
