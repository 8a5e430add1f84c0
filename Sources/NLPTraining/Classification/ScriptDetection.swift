/// What writing system a text sample is mostly in, from its letters (digits, punctuation and
/// spaces do not count): the choice of a default base model depends on it.
public struct ScriptProfile: Sendable {
    public private(set) var han = 0
    public private(set) var latin = 0
    public private(set) var other = 0

    public init<S: Sequence>(texts: S) where S.Element == String {
        for text in texts { add(text) }
    }

    public mutating func add(_ text: String) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xF900...0xFAFF).contains(v)
                || (0x20000...0x2FA1F).contains(v) {
                han += 1
            } else if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || (0xC0...0x24F).contains(v) && v != 0xD7 && v != 0xF7 {
                latin += 1
            } else if scalar.properties.isAlphabetic {
                other += 1
            }
        }
    }

    public var letters: Int { han + latin + other }
    public var hanShare: Double { letters == 0 ? 0 : Double(han) / Double(letters) }
    public var latinShare: Double { letters == 0 ? 0 : Double(latin) / Double(letters) }

    /// Chinese when a third or more of the letters are Han characters (Chinese reviews carry
    /// Latin brand names and words; one Han character stands for a word's worth of letters).
    public var isMostlyChinese: Bool { hanShare >= 1.0 / 3 }
}
