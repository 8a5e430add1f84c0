/// Splits on a literal string or a regular expression (HF's `Split`), with a delimiter behaviour;
/// `invert` splits on what does not match instead.
public struct SplitPreTokenizer: PreTokenizer {
    public let pattern: Pattern
    public let behavior: SplitBehavior
    public let invert: Bool
    private let compiled: CompiledPattern

    public init(pattern: Pattern, behavior: SplitBehavior, invert: Bool = false) throws {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
        compiled = try CompiledPattern(pattern)
    }

    public var json: JSON {
        .object(["type": "Split", "pattern": pattern.json, "behavior": .string(behavior.rawValue),
                 "invert": .bool(invert)])
    }

    public func preTokenize(_ text: inout PreTokenizedString) {
        text.split { bytes, sink in
            behavior.apply(MatchCover.pattern(bytes, compiled, invert: invert), to: &sink)
        }
    }
}
