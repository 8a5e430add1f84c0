/// A model's vocabulary: token text ↔ id, with look-ups straight from bytes. Immutable once built;
/// the token strings sit in raw memory so that reading one touches no array reference count.
final class Vocabulary: @unchecked Sendable {
    let table: ByteStringTable
    /// Token text by id (nil for ids the vocabulary skips).
    private let tokens: UnsafeMutablePointer<String?>
    let idCount: Int
    /// Distinct tokens.
    let count: Int

    init(_ entries: [(String, Int)]) {
        var table = ByteStringTable(capacity: entries.count)
        var maxID = -1
        for (_, id) in entries { maxID = max(maxID, id) }
        for (token, id) in entries { table.insert(token, Int32(id)) }
        idCount = maxID + 1
        tokens = .allocate(capacity: max(1, idCount))
        tokens.initialize(repeating: nil, count: max(1, idCount))
        // A token listed twice keeps its last id (HF's map); the earlier id then has no token.
        for (token, id) in entries where table.find(token) == Int32(id) { tokens[id] = token }
        self.table = table
        count = table.count
    }

    deinit {
        tokens.deinitialize(count: max(1, idCount))
        tokens.deallocate()
    }

    @inline(__always)
    func id(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 { table.find(p, n) }

    func id(for token: String) -> Int? {
        let id = table.find(token)
        return id < 0 ? nil : Int(id)
    }

    @inline(__always)
    func token(for id: Int) -> String? {
        id >= 0 && id < idCount ? tokens[id] : nil
    }

    /// (token, id) for every entry, in id order.
    var entries: [(String, Int)] {
        var out: [(String, Int)] = []
        out.reserveCapacity(count)
        for id in 0..<idCount { if let t = tokens[id] { out.append((t, id)) } }
        return out
    }

    /// token → id for every entry.
    var dictionary: [String: Int] {
        var d: [String: Int] = [:]
        d.reserveCapacity(count)
        for id in 0..<idCount { if let t = tokens[id] { d[t] = id } }
        return d
    }

    /// The vocabulary as tokenizer.json writes it: an object of token → id in id order.
    var json: JSON {
        var o = JSONObject()
        for id in 0..<idCount { if let t = tokens[id] { o.appendUnchecked(t, JSON(id)) } }
        return .object(o)
    }

    /// Reads `{"token": id, …}`; ids must be non-negative integers.
    static func entries(_ field: JSONField) throws -> [(String, Int)] {
        let members = try field.object().entries
        var entries: [(String, Int)] = []
        entries.reserveCapacity(members.count)
        for (key, value) in members {
            guard case .number(let d) = value, d >= 0, d == d.rounded(), d < 1e9 else {
                throw TokenizerFileError(field: "\(field.path).\(key)", "expected a non-negative integer id")
            }
            entries.append((key, Int(d)))
        }
        return entries
    }
}
