/// The tags the character tagger gives units. Four tags (B M E S) or Zhao et al.'s six (B B2 B3 M E
/// S), which tell the second and third units of a word apart from the rest; lanes of a `SIMD8` row,
/// in the order B M E S B2 B3 (unused lanes stay at −∞).
public enum TaggerTagSet: Int, CaseIterable {
    case four = 4
    case six = 6

    static let begin = 0, middle = 1, end = 2, single = 3, begin2 = 4, begin3 = 5

    var count: Int { rawValue }

    /// The tags of a word of `length` units.
    func tags(length: Int) -> [Int] {
        if length == 1 { return [Self.single] }
        var tags = [Int](repeating: Self.middle, count: length)
        tags[0] = Self.begin
        tags[length - 1] = Self.end
        if self == .six {
            if length > 2 { tags[1] = Self.begin2 }
            if length > 3 { tags[2] = Self.begin3 }
        }
        return tags
    }

    static func endsWord(_ tag: Int) -> Bool { tag == end || tag == single }

    /// `follows[from]`: 0 where the next tag may follow, −∞ elsewhere.
    var follows: [SIMD8<Float>] {
        let no = -Float.infinity
        var rows = [SIMD8<Float>](repeating: SIMD8(repeating: no), count: 8)
        func allow(_ from: Int, _ to: [Int]) { for t in to { rows[from][t] = 0 } }
        switch self {
        case .four:
            allow(Self.begin, [Self.middle, Self.end])
        case .six:
            allow(Self.begin, [Self.begin2, Self.end])
            allow(Self.begin2, [Self.begin3, Self.end])
            allow(Self.begin3, [Self.middle, Self.end])
        }
        allow(Self.middle, [Self.middle, Self.end])
        allow(Self.end, [Self.begin, Self.single])
        allow(Self.single, [Self.begin, Self.single])
        return rows
    }

    /// Tags a word can start with (after a forced boundary), and end with (before one).
    var afterBreak: SIMD8<Float> { mask([Self.begin, Self.single]) }
    var beforeBreak: SIMD8<Float> { mask([Self.end, Self.single]) }
    /// The lanes in use.
    var used: SIMD8<Float> { mask(Array(0..<count)) }

    /// Additive masks for each unit of `text` from the symbol places of `rules` (zero: no limit).
    func placeMasks(_ text: SegmenterText, rules: SegmenterRules, into masks: inout [SIMD8<Float>]) {
        masks.removeAll(keepingCapacity: true)
        masks.append(contentsOf: repeatElement(.zero, count: text.unitCount))
        if rules.symbolPlaces.isEmpty { return }
        for i in 0..<text.unitCount where text.unitKinds[i] == .symbol {
            let places = rules.places(of: text.unitSymbols[i])
            if places == .all { continue }
            var allowed: [Int] = []
            if places.contains(.begin) { allowed.append(Self.begin) }
            if places.contains(.middle) { allowed += [Self.middle, Self.begin2, Self.begin3] }
            if places.contains(.end) { allowed.append(Self.end) }
            if places.contains(.alone) { allowed.append(Self.single) }
            masks[i] = mask(allowed)
        }
    }

    private func mask(_ allowed: [Int]) -> SIMD8<Float> {
        var m = SIMD8<Float>(repeating: -.infinity)
        for t in allowed { m[t] = 0 }
        return m
    }
}
