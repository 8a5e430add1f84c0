/// Splits on punctuation characters (ASCII punctuation and Unicode P*, HF's set).
public struct Punctuation: PreTokenizer {
    public let behavior: SplitBehavior
    public init(behavior: SplitBehavior = .isolated) { self.behavior = behavior }
    public var json: JSON { .object(["type": "Punctuation", "behavior": .string(behavior.rawValue)]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let table = UnicodeClassTable.shared
        text.split { bytes, sink in
            behavior.apply(MatchCover.characters(bytes) { table.flags($0) & UnicodeClass.punctuation.rawValue != 0 },
                           to: &sink)
        }
    }
}

/// Splits numbers from the rest: each digit alone, or runs of digits together.
public struct Digits: PreTokenizer {
    public let individualDigits: Bool
    public init(individualDigits: Bool = false) { self.individualDigits = individualDigits }
    public var json: JSON { .object(["type": "Digits", "individual_digits": .bool(individualDigits)]) }

    public func preTokenize(_ text: inout PreTokenizedString) {
        let table = UnicodeClassTable.shared
        let behavior: SplitBehavior = individualDigits ? .isolated : .contiguous
        text.split { bytes, sink in
            behavior.apply(MatchCover.characters(bytes) { table.flags($0) & UnicodeClass.numeric.rawValue != 0 },
                           to: &sink)
        }
    }
}
