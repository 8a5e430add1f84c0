/// A model's vocabulary: token text ↔ id, with look-ups straight from bytes.
struct Vocabulary: Sendable {
    private(set) var table: ByteStringTable
    /// Token text by id (nil for ids the vocabulary skips).
    private(set) var tokens: [String?]
    /// The entries in id order as the file listed them (for saving).
    private(set) var count: Int

    init(_ entries: [(String, Int)]) {
        table = ByteStringTable(capacity: entries.count)
        var maxID = -1
        for (_, id) in entries { maxID = max(maxID, id) }
        tokens = [String?](repeating: nil, count: maxID + 1)
        for (token, id) in entries { table.insert(token, Int32(id)) }
        // A token listed twice keeps its last id (HF's map); the earlier id then has no token.
        for (token, id) in entries where table.find(token) == Int32(id) { tokens[id] = token }
        count = table.count
    }

    @inline(__always)
    func id(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 { table.find(p, n) }

    func id(for token: String) -> Int? {
        let id = table.find(token)
        return id < 0 ? nil : Int(id)
    }

    func token(for id: Int) -> String? {
        id >= 0 && id < tokens.count ? tokens[id] : nil
    }

    /// token → id for every entry.
    var dictionary: [String: Int] {
        var d: [String: Int] = [:]
        d.reserveCapacity(count)
        for (id, t) in tokens.enumerated() { if let t { d[t] = id } }
        return d
    }

    /// The vocabulary as tokenizer.json writes it: an object of token → id in id order.
    var json: JSON {
        var o = JSONObject()
        for (id, t) in tokens.enumerated() { if let t { o.appendUnchecked(t, JSON(id)) } }
        return .object(o)
    }

    /// Reads `{"token": id, …}`; ids must be non-negative integers.
    static func load(_ field: JSONField) throws -> Vocabulary {
        let members = try field.object().entries
        var entries: [(String, Int)] = []
        entries.reserveCapacity(members.count)
        for (key, value) in members {
            guard case .number(let d) = value, d >= 0, d == d.rounded(), d < 1e9 else {
                throw TokenizerFileError(field: "\(field.path).\(key)", "expected a non-negative integer id")
            }
            entries.append((key, Int(d)))
        }
        return Vocabulary(entries)
    }
}
