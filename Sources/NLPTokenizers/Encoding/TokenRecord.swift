/// One token of an encoding, packed: an encoding keeps its tokens in one run of these (`TokenRecords`:
/// one allocation per encoding, or a share of a batch worker's block; not one per column), and
/// `Encoding.ids` / `.offsets` read them in place.
/// Ids and character offsets fit 32 bits: the encode path counts characters in `Int32` already.
struct TokenRecord: Equatable, Sendable {
    var id: Int32
    var start: Int32
    var end: Int32
    var word: Int32        // -1: none
    var typeID: UInt32
    var isSpecial: Bool
    var isPadding: Bool

    @inline(__always)
    init(id: Int, span: Span, word: Int32, typeID: UInt32, special: Bool, padding: Bool = false) {
        self.id = Int32(truncatingIfNeeded: id)
        start = Int32(truncatingIfNeeded: span.start)
        end = Int32(truncatingIfNeeded: span.end)
        self.word = word
        self.typeID = typeID
        isSpecial = special
        isPadding = padding
    }

    @inline(__always)
    init(id: Int, span: Span, word: Int?, typeID: Int, special: Bool, padding: Bool = false) {
        self.init(id: id, span: span, word: word.map { Int32(truncatingIfNeeded: $0) } ?? -1,
                  typeID: UInt32(clamping: typeID), special: special, padding: padding)
    }

    var span: Span {
        @inline(__always) get { Span(Int(start), Int(end)) }
        @inline(__always) set { start = Int32(truncatingIfNeeded: newValue.start); end = Int32(truncatingIfNeeded: newValue.end) }
    }
}

extension Encoding {
    /// The token ids of an encoding: a random-access collection read from the encoding's tokens
    /// (no copy; `Array(encoding.ids)` makes an `[Int]`).
    public struct IDs: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
        let records: TokenRecords

        init(_ records: TokenRecords) { self.records = records }

        public init(arrayLiteral ids: Int...) {
            records = TokenRecords(ids.lazy.map { TokenRecord(id: $0, span: .zero, word: nil, typeID: 0, special: false) })
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { records.count }
        public subscript(i: Int) -> Int { Int(records[i].id) }

        public static func == (a: IDs, b: IDs) -> Bool { a.elementsEqual(b) }
        public static func == (a: IDs, b: [Int]) -> Bool { a.elementsEqual(b) }
        public static func == (a: [Int], b: IDs) -> Bool { a.elementsEqual(b) }
        public func hash(into hasher: inout Hasher) { for id in self { hasher.combine(id) } }
        public var description: String { Array(self).description }
    }

    /// The character offsets of an encoding's tokens, read in place like `IDs`.
    public struct Offsets: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
        let records: TokenRecords

        init(_ records: TokenRecords) { self.records = records }

        public init(arrayLiteral spans: Span...) {
            records = TokenRecords(spans.lazy.map { TokenRecord(id: 0, span: $0, word: nil, typeID: 0, special: false) })
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { records.count }
        public subscript(i: Int) -> Span { records[i].span }

        public static func == (a: Offsets, b: Offsets) -> Bool { a.elementsEqual(b) }
        public static func == (a: Offsets, b: [Span]) -> Bool { a.elementsEqual(b) }
        public static func == (a: [Span], b: Offsets) -> Bool { a.elementsEqual(b) }
        public func hash(into hasher: inout Hasher) { for span in self { hasher.combine(span) } }
        public var description: String { Array(self).description }
    }
}
