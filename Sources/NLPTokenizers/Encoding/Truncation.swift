/// How long encodings are cut (tokenizer.json's `truncation`).
public struct Truncation: Equatable, Sendable {
    public enum Strategy: String, Sendable {
        case longestFirst = "LongestFirst", onlyFirst = "OnlyFirst", onlySecond = "OnlySecond"
    }
    public enum Direction: String, Sendable { case left = "Left", right = "Right" }

    /// The most tokens an encoding keeps, special tokens included.
    public var maxLength: Int
    public var strategy: Strategy
    /// Tokens shared by consecutive overflowing windows.
    public var stride: Int
    public var direction: Direction

    public init(maxLength: Int, strategy: Strategy = .longestFirst, stride: Int = 0, direction: Direction = .right) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.stride = stride
        self.direction = direction
    }

    init?(json: JSONField) throws {
        if json.isNull { return nil }
        let maxLength = try json.field("max_length").nonNegativeInt()
        var strategy = Strategy.longestFirst
        if json.has("strategy") {
            let f = try json.field("strategy")
            guard let s = Strategy(rawValue: try f.string()) else {
                throw TokenizerFileError(field: f.path, "expected LongestFirst, OnlyFirst or OnlySecond")
            }
            strategy = s
        }
        var direction = Direction.right
        if json.has("direction") {
            let f = try json.field("direction")
            guard let d = Direction(rawValue: try f.string()) else {
                throw TokenizerFileError(field: f.path, "expected Left or Right")
            }
            direction = d
        }
        let stride = try json.optional("stride").int(default: 0)
        guard stride >= 0, stride < maxLength || maxLength == 0 else {
            throw TokenizerFileError(field: "\(json.path).stride", "must be smaller than max_length (\(maxLength)), found \(stride)")
        }
        self.init(maxLength: maxLength, strategy: strategy, stride: stride, direction: direction)
    }

    var json: JSON {
        .object(["direction": .string(direction.rawValue), "max_length": JSON(maxLength),
                 "strategy": .string(strategy.rawValue), "stride": JSON(stride)])
    }

    /// HF's `truncate_encodings`. Where HF raises (OnlySecond without a second sequence, or a
    /// sequence too short to remove enough from), the encodings are left as they are.
    func apply(_ first: inout Encoding, _ second: inout Encoding?, maxLength limit: Int) {
        if limit == 0 {
            first.truncate(maxLength: 0, stride: stride, direction: direction)
            second?.truncate(maxLength: 0, stride: stride, direction: direction)
            return
        }
        let total = first.count + (second?.count ?? 0)
        guard total > limit else { return }
        let toRemove = total - limit
        switch strategy {
        case .longestFirst:
            if var other = second {
                var n1 = first.count, n2 = other.count
                let swapped = n1 > n2
                if swapped { swap(&n1, &n2) }
                n2 = n1 > limit ? n1 : max(n1, limit - n1)
                if n1 + n2 > limit {
                    n1 = limit / 2
                    n2 = n1 + limit % 2
                }
                if swapped { swap(&n1, &n2) }
                first.truncate(maxLength: n1, stride: stride, direction: direction)
                other.truncate(maxLength: n2, stride: stride, direction: direction)
                second = other
            } else {
                first.truncate(maxLength: total - toRemove, stride: stride, direction: direction)
            }
        case .onlyFirst:
            if first.count > toRemove { first.truncate(maxLength: first.count - toRemove, stride: stride, direction: direction) }
        case .onlySecond:
            if var other = second, other.count > toRemove {
                other.truncate(maxLength: other.count - toRemove, stride: stride, direction: direction)
                second = other
            }
        }
    }
}

/// How encodings are padded (tokenizer.json's `padding`).
public struct Padding: Equatable, Sendable {
    public enum Strategy: Equatable, Sendable {
        /// Pad a batch to its longest encoding.
        case batchLongest
        case fixed(Int)
    }
    public enum Direction: String, Sendable { case left = "Left", right = "Right" }

    public var strategy: Strategy
    public var direction: Direction
    public var padToMultipleOf: Int?
    public var padID: Int
    public var padTypeID: Int
    public var padToken: String

    public init(strategy: Strategy = .batchLongest, direction: Direction = .right, padToMultipleOf: Int? = nil,
                padID: Int = 0, padTypeID: Int = 0, padToken: String = "[PAD]") {
        self.strategy = strategy
        self.direction = direction
        self.padToMultipleOf = padToMultipleOf
        self.padID = padID
        self.padTypeID = padTypeID
        self.padToken = padToken
    }

    init?(json: JSONField) throws {
        if json.isNull { return nil }
        var strategy = Strategy.batchLongest
        let s = try json.optional("strategy")
        if case .string(let name) = s.value {
            guard name == "BatchLongest" else { throw TokenizerFileError(field: s.path, "expected \"BatchLongest\" or {\"Fixed\": n}") }
        } else if s.has("Fixed") {
            strategy = .fixed(try s.field("Fixed").nonNegativeInt())
        } else if !s.isNull {
            throw s.fail("\"BatchLongest\" or {\"Fixed\": n}")
        }
        var direction = Direction.right
        if json.has("direction") {
            let f = try json.field("direction")
            guard let d = Direction(rawValue: try f.string()) else { throw TokenizerFileError(field: f.path, "expected Left or Right") }
            direction = d
        }
        let multiple = try json.optional("pad_to_multiple_of")
        self.init(strategy: strategy, direction: direction,
                  padToMultipleOf: multiple.isNull ? nil : try multiple.nonNegativeInt(),
                  padID: try json.optional("pad_id").int(default: 0),
                  padTypeID: try json.optional("pad_type_id").int(default: 0),
                  padToken: try json.optional("pad_token").stringOrNull() ?? "[PAD]")
    }

    var json: JSON {
        let strategyJSON: JSON
        switch strategy {
        case .batchLongest: strategyJSON = "BatchLongest"
        case .fixed(let n): strategyJSON = .object(["Fixed": JSON(n)])
        }
        return .object(["strategy": strategyJSON, "direction": .string(direction.rawValue),
                        "pad_to_multiple_of": padToMultipleOf.map { JSON($0) } ?? .null,
                        "pad_id": JSON(padID), "pad_type_id": JSON(padTypeID), "pad_token": .string(padToken)])
    }

    var fixedLength: Int? {
        if case .fixed(let n) = strategy { return n }
        return nil
    }

    /// HF's `pad_encodings`.
    func apply(_ encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        var length: Int
        switch strategy {
        case .fixed(let n): length = n
        case .batchLongest: length = encodings.map(\.count).max() ?? 0
        }
        if let m = padToMultipleOf, m > 0, length % m > 0 { length += m - length % m }
        for k in encodings.indices {
            encodings[k].pad(to: length, id: padID, typeID: padTypeID, token: padToken, direction: direction)
        }
    }
}
