/// Several normalizers, one after the other.
public struct NormalizerSequence: Normalizer {
    public let normalizers: [Normalizer]
    public init(_ normalizers: [Normalizer]) { self.normalizers = normalizers }
    public var json: JSON { .object(["type": "Sequence", "normalizers": .array(normalizers.map(\.json))]) }

    public func normalize(_ text: inout NormalizedString) {
        for n in normalizers { n.normalize(&text) }
    }
}
