/// Removes combining marks (HF's set: Mn, Mc and Me; it does not decompose first: put NFD before it).
public struct StripAccents: Normalizer {
    public init() {}
    public var json: JSON { .object(["type": "StripAccents"]) }

    public func normalize(_ text: inout NormalizedString) {
        if text.bytes.allSatisfy({ $0 < 0x80 }) { return }
        text.filterScalars { !UnicodeClass.of($0).contains(.combiningMark) }
    }
}
