/// Removes whitespace at the start and/or the end.
public struct Strip: Normalizer {
    public let left: Bool
    public let right: Bool
    public init(left: Bool = true, right: Bool = true) {
        self.left = left
        self.right = right
    }
    public var json: JSON { .object(["type": "Strip", "strip_left": .bool(left), "strip_right": .bool(right)]) }

    public func normalize(_ text: inout NormalizedString) { text.strip(left: left, right: right) }
}
