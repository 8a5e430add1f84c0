/// Byte-pair encoding: a word starts as its characters (or, byte-level, its bytes) and the ranked
/// merges are applied lowest rank first until none applies. Options as in HF: a continuing-subword
/// prefix and end-of-word suffix on the initial symbols, byte fallback (`<0x41>` tokens) and an
/// unknown token (fused or not) for characters outside the vocabulary, `ignoreMerges` (a word that
/// is itself a token is taken whole) and merge dropout. Results are cached per thread.
public final class BPE: TokenizerModel, @unchecked Sendable {
    let vocab: Vocabulary
    let merges: MergeTable
    /// The merges in rank order, as token ids (for saving).
    let mergeList: [(Int32, Int32)]
    public let unknownToken: String?
    public let continuingSubwordPrefix: String?
    public let endOfWordSuffix: String?
    public let fuseUnknown: Bool
    public let byteFallback: Bool
    public let ignoreMerges: Bool
    public let dropout: Double?
    let unknownID: Int32
    private let prefixBytes: [UInt8]
    private let suffixBytes: [UInt8]
    /// Id of each byte's byte-level character when no prefix/suffix applies (-1 if absent).
    private let byteLevelIDs: [Int32]
    /// Ids of `<0x00>` … `<0xFF>` (-1 if absent).
    private let fallbackIDs: [Int32]
    /// Words up to this many bytes are cached.
    static let cacheableLength = 256

    public init(vocabulary: [(String, Int)], merges: [(String, String)], unknownToken: String? = nil,
                continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil, fuseUnknown: Bool = false,
                byteFallback: Bool = false, ignoreMerges: Bool = false, dropout: Double? = nil) throws {
        vocab = Vocabulary(vocabulary)
        var table = MergeTable(capacity: merges.count)
        var list: [(Int32, Int32)] = []
        list.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocab.id(for: a), let ib = vocab.id(for: b) else {
                throw TokenizerFileError(field: "model.merges[\(rank)]",
                                         "the merge \"\(a) \(b)\" uses a token that is not in the vocabulary")
            }
            guard let result = vocab.id(for: a + b) else {
                throw TokenizerFileError(field: "model.merges[\(rank)]",
                                         "the merge \"\(a) \(b)\" makes \"\(a + b)\", which is not in the vocabulary")
            }
            table.set(Int32(ia), Int32(ib), rank: Int32(rank), result: Int32(result))
            list.append((Int32(ia), Int32(ib)))
        }
        self.merges = table
        mergeList = list
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        if let d = dropout, !(d >= 0 && d <= 1) {
            throw TokenizerFileError(field: "model.dropout", "expected a number between 0 and 1, found \(d)")
        }
        self.dropout = (dropout ?? 0) > 0 ? dropout : nil
        if let unknownToken {
            guard let id = vocab.id(for: unknownToken) else {
                throw TokenizerFileError(field: "model.unk_token", "the unknown token \"\(unknownToken)\" is not in the vocabulary")
            }
            unknownID = Int32(id)
        } else {
            unknownID = -1
        }
        prefixBytes = Array((continuingSubwordPrefix ?? "").utf8)
        suffixBytes = Array((endOfWordSuffix ?? "").utf8)
        let v = vocab
        byteLevelIDs = ByteLevelAlphabet.utf8.map { bytes in bytes.withUnsafeBufferPointer { v.id($0.baseAddress!, $0.count) } }
        fallbackIDs = (0..<256).map { b in Int32(v.id(for: "<0x\(b < 16 ? "0" : "")\(String(b, radix: 16, uppercase: true))>") ?? -1) }
    }

    convenience init(json: JSONField) throws {
        let entries = try Vocabulary.entries(try json.field("vocab"))
        let mergesField = try json.optional("merges")
        var merges: [(String, String)] = []
        if !mergesField.isNull {
            guard case .array(let items) = mergesField.value else { throw mergesField.fail("an array of merges") }
            merges.reserveCapacity(items.count)
            for (k, item) in items.enumerated() {
                switch item {
                case .string(let line):
                    let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else {
                        throw TokenizerFileError(field: "\(mergesField.path)[\(k)]", "expected \"left right\" (two tokens separated by one space)")
                    }
                    merges.append((String(parts[0]), String(parts[1])))
                case .array(let pair):
                    guard pair.count == 2, case .string(let a) = pair[0], case .string(let b) = pair[1] else {
                        throw TokenizerFileError(field: "\(mergesField.path)[\(k)]", "expected a pair of token strings")
                    }
                    merges.append((a, b))
                default:
                    throw TokenizerFileError(field: "\(mergesField.path)[\(k)]", "expected a merge string or a pair of strings")
                }
            }
        }
        let dropoutField = try json.optional("dropout")
        try self.init(vocabulary: entries, merges: merges,
                      unknownToken: try json.optional("unk_token").stringOrNull(),
                      continuingSubwordPrefix: try json.optional("continuing_subword_prefix").stringOrNull(),
                      endOfWordSuffix: try json.optional("end_of_word_suffix").stringOrNull(),
                      fuseUnknown: try json.optional("fuse_unk").bool(default: false),
                      byteFallback: try json.optional("byte_fallback").bool(default: false),
                      ignoreMerges: try json.optional("ignore_merges").bool(default: false),
                      dropout: dropoutField.isNull ? nil : try dropoutField.double())
    }

    public var json: JSON {
        let merges = mergeList.map { a, b in
            JSON.array([.string(vocab.token(for: Int(a)) ?? ""), .string(vocab.token(for: Int(b)) ?? "")])
        }
        return .object(["type": "BPE", "dropout": dropout.map { .number($0) } ?? .null,
                        "unk_token": JSON(unknownToken), "continuing_subword_prefix": JSON(continuingSubwordPrefix),
                        "end_of_word_suffix": JSON(endOfWordSuffix), "fuse_unk": .bool(fuseUnknown),
                        "byte_fallback": .bool(byteFallback), "ignore_merges": .bool(ignoreMerges),
                        "vocab": vocab.json, "merges": .array(merges)])
    }

    public var vocabularySize: Int { vocab.count }
    public func id(forToken token: String) -> Int? { vocab.id(for: token) }
    public func token(forID id: Int) -> String? { vocab.token(for: id) }
    public var vocabulary: [String: Int] { vocab.dictionary }
    public var readsByteLevel: Bool { true }
    /// The merges in rank order.
    public var mergePairs: [(String, String)] {
        mergeList.map { (vocab.token(for: Int($0.0)) ?? "", vocab.token(for: Int($0.1)) ?? "") }
    }

    public func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: inout [ModelToken]) {
        guard word.count > 0 else { return }
        let workspace = Workspace.current
        if ignoreMerges, let id = wholeWordID(word, byteLevel: byteLevel, workspace.bpe) {
            tokens.append(ModelToken(id: id, start: 0, end: Int32(word.count)))
            return
        }
        let useCache = dropout == nil && word.count <= BPE.cacheableLength
        let cache = useCache ? workspace.cache(for: self) : nil
        if let cache, cache.lookup(word, byteLevel: byteLevel, into: &tokens) { return }
        let first = tokens.count
        merge(word, byteLevel: byteLevel, scratch: workspace.bpe, into: &tokens)
        cache?.store(word, byteLevel: byteLevel, tokens: tokens[first...])
    }

    /// ignore_merges: the id of the whole word if it is in the vocabulary.
    private func wholeWordID(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, _ s: BPEScratch) -> Int32? {
        if !byteLevel {
            let id = vocab.id(word.baseAddress!, word.count)
            return id >= 0 ? id : nil
        }
        s.key.removeAll(keepingCapacity: true)
        for b in word { s.key.append(contentsOf: ByteLevelAlphabet.utf8[Int(b)]) }
        let id = s.key.withUnsafeBufferPointer { vocab.id($0.baseAddress!, $0.count) }
        return id >= 0 ? id : nil
    }

    /// The id of a symbol's text with the prefix (not first) and suffix (last) added, or -1.
    private func symbolID(_ text: UnsafeBufferPointer<UInt8>, first: Bool, last: Bool, _ s: BPEScratch) -> Int32 {
        let withPrefix = !first && !prefixBytes.isEmpty, withSuffix = last && !suffixBytes.isEmpty
        if !withPrefix && !withSuffix { return vocab.id(text.baseAddress!, text.count) }
        s.key.removeAll(keepingCapacity: true)
        if withPrefix { s.key.append(contentsOf: prefixBytes) }
        s.key.append(contentsOf: text)
        if withSuffix { s.key.append(contentsOf: suffixBytes) }
        return s.key.withUnsafeBufferPointer { vocab.id($0.baseAddress!, $0.count) }
    }

    /// HF's `merge_word`: the initial symbols, then the merges.
    private func merge(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, scratch s: BPEScratch,
                       into tokens: inout [ModelToken]) {
        s.reset()
        let p = word.baseAddress!, n = word.count
        var unknownLength: Int32 = 0, hasUnknown = false
        let plainByteLevel = byteLevel && prefixBytes.isEmpty && suffixBytes.isEmpty
        var i = 0
        var mapped = [UInt8](repeating: 0, count: 4)
        while i < n {
            let length = byteLevel ? 1 : UTF8Scalars.length(lead: p[i])
            let isFirst = i == 0, isLast = i + length >= n
            var id: Int32
            if plainByteLevel {
                id = byteLevelIDs[Int(p[i])]
            } else if byteLevel {
                let m = ByteLevelAlphabet.utf8[Int(p[i])]
                for k in 0..<m.count { mapped[k] = m[k] }
                id = mapped.withUnsafeBufferPointer {
                    symbolID(UnsafeBufferPointer(rebasing: $0[0..<m.count]), first: isFirst, last: isLast, s)
                }
            } else {
                id = symbolID(UnsafeBufferPointer(start: p + i, count: length), first: isFirst, last: isLast, s)
            }
            if id >= 0 {
                if hasUnknown { s.add(unknownID, unknownLength); hasUnknown = false }
                s.add(id, Int32(length))
                i += length
                continue
            }
            if byteFallback {
                // HF falls back on the bytes of the symbol text, prefix and suffix included.
                var text: [UInt8] = []
                if !isFirst { text.append(contentsOf: prefixBytes) }
                if byteLevel { text.append(contentsOf: ByteLevelAlphabet.utf8[Int(p[i])]) } else { text.append(contentsOf: word[i..<i + length]) }
                if isLast { text.append(contentsOf: suffixBytes) }
                let ids = text.map { fallbackIDs[Int($0)] }
                if !ids.contains(-1) {
                    if hasUnknown { s.add(unknownID, unknownLength); hasUnknown = false }
                    for (k, fid) in ids.enumerated() { s.add(fid, byteLevel ? (k == 0 ? 1 : 0) : 1) }
                    i += length
                    continue
                }
            }
            if unknownID >= 0 {
                if hasUnknown && fuseUnknown {
                    unknownLength += Int32(length)
                } else {
                    if hasUnknown { s.add(unknownID, unknownLength) }
                    hasUnknown = true
                    unknownLength = Int32(length)
                }
            }
            i += length
        }
        if hasUnknown { s.add(unknownID, unknownLength) }
        if s.count > 1 {
            if dropout == nil && s.count <= 48 { mergeByScanning(s) } else { mergeWithHeap(s) }
        }
        // Offsets are the running sums of the symbol lengths, as HF computes them.
        var offset: Int32 = 0
        var k = s.count > 0 ? 0 : -1
        while k >= 0 {
            let end = offset + s.lengths[k]
            tokens.append(ModelToken(id: s.ids[k], start: offset, end: end))
            offset = end
            k = Int(s.next[k])
        }
    }

    /// Small words: find the lowest-ranked adjacent pair by scanning, merge, repeat.
    private func mergeByScanning(_ s: BPEScratch) {
        let count = s.count
        s.ranks.removeAll(keepingCapacity: true)
        s.results.removeAll(keepingCapacity: true)
        for k in 0..<count {
            if k + 1 < count {
                let m = merges.find(s.ids[k], s.ids[k + 1])
                s.ranks.append(m.rank < 0 ? Int32.max : m.rank)
                s.results.append(m.result)
            } else {
                s.ranks.append(Int32.max)
                s.results.append(-1)
            }
        }
        while true {
            var best = Int32.max, at = -1
            var k = 0
            while k >= 0 {
                if s.ranks[k] < best { best = s.ranks[k]; at = k }
                k = Int(s.next[k])
            }
            if at < 0 { return }
            let right = Int(s.next[at])
            s.ids[at] = s.results[at]
            s.lengths[at] += s.lengths[right]
            s.next[at] = s.next[right]
            if s.next[at] >= 0 { s.previous[Int(s.next[at])] = Int32(at) }
            if s.next[at] >= 0 {
                let m = merges.find(s.ids[at], s.ids[Int(s.next[at])])
                s.ranks[at] = m.rank < 0 ? Int32.max : m.rank
                s.results[at] = m.result
            } else {
                s.ranks[at] = Int32.max
            }
            let left = Int(s.previous[at])
            if left >= 0 {
                let m = merges.find(s.ids[left], s.ids[at])
                s.ranks[left] = m.rank < 0 ? Int32.max : m.rank
                s.results[left] = m.result
            }
        }
    }

    /// Long words (and dropout): HF's priority queue of candidate merges, lowest (rank, position)
    /// first; stale entries are skipped when popped.
    private func mergeWithHeap(_ s: BPEScratch) {
        var heap = BPEHeap(keys: s.heapKeys, results: s.heapResults)
        s.heapKeys = []
        s.heapResults = []
        heap.removeAll()
        for k in 0..<(s.count - 1) {
            let m = merges.find(s.ids[k], s.ids[k + 1])
            if m.rank >= 0 { heap.push(rank: m.rank, position: Int32(k), result: m.result) }
        }
        var skipped: [(UInt64, Int32)] = []
        while let (key, result) = heap.pop() {
            if let d = dropout, Double.random(in: 0..<1) < d {
                skipped.append((key, result))
                continue
            }
            for (k, r) in skipped { heap.push(key: k, result: r) }
            skipped.removeAll()
            let at = Int(UInt32(truncatingIfNeeded: key))
            if !s.alive[at] { continue }
            let right = Int(s.next[at])
            if right < 0 { continue }
            let current = merges.find(s.ids[at], s.ids[right])
            if current.rank < 0 || current.result != result { continue }
            s.ids[at] = result
            s.lengths[at] += s.lengths[right]
            s.alive[right] = false
            s.next[at] = s.next[right]
            if s.next[at] >= 0 { s.previous[Int(s.next[at])] = Int32(at) }
            let left = Int(s.previous[at])
            if left >= 0 {
                let m = merges.find(s.ids[left], s.ids[at])
                if m.rank >= 0 { heap.push(rank: m.rank, position: Int32(left), result: m.result) }
            }
            if s.next[at] >= 0 {
                let m = merges.find(s.ids[at], s.ids[Int(s.next[at])])
                if m.rank >= 0 { heap.push(rank: m.rank, position: Int32(at), result: m.result) }
            }
        }
        s.heapKeys = heap.keys
        s.heapResults = heap.results
    }
}

/// The symbols of the word being merged (a linked list over arrays), reused between words.
final class BPEScratch {
    var ids: [Int32] = []
    var lengths: [Int32] = []
    var previous: [Int32] = []
    var next: [Int32] = []
    var alive: [Bool] = []
    var ranks: [Int32] = []
    var results: [Int32] = []
    var heapKeys: [UInt64] = []
    var heapResults: [Int32] = []
    var key: [UInt8] = []
    var count: Int { ids.count }

    func reset() {
        ids.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    func add(_ id: Int32, _ length: Int32) {
        let k = Int32(ids.count)
        if k > 0 { next[Int(k) - 1] = k }
        ids.append(id)
        lengths.append(length)
        previous.append(k - 1)
        next.append(-1)
        alive.append(true)
    }
}

/// A binary min-heap of (rank << 32 | position) keys with the merge's result id alongside.
struct BPEHeap {
    var keys: [UInt64]
    var results: [Int32]

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
    }

    mutating func push(rank: Int32, position: Int32, result: Int32) {
        push(key: UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: position)), result: result)
    }

    mutating func push(key: UInt64, result: Int32) {
        keys.append(key)
        results.append(result)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if keys[parent] <= key { break }
            keys[i] = keys[parent]
            results[i] = results[parent]
            i = parent
        }
        keys[i] = key
        results[i] = result
    }

    mutating func pop() -> (UInt64, Int32)? {
        guard let top = keys.first else { return nil }
        let topResult = results[0]
        let lastKey = keys.removeLast(), lastResult = results.removeLast()
        let n = keys.count
        if n > 0 {
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = r < n && keys[r] < keys[l] ? r : l
                if keys[c] >= lastKey { break }
                keys[i] = keys[c]
                results[i] = results[c]
                i = c
            }
            keys[i] = lastKey
            results[i] = lastResult
        }
        return (top, topResult)
    }
}

/// One thread's cache of BPE results for one model: word bytes → tokens. Cleared when full.
final class BPECache {
    weak var owner: BPE?
    private var plain = ByteStringTable(capacity: 1024)
    private var byteLevel = ByteStringTable(capacity: 1024)
    private var tokenIDs: [Int32] = []
    private var tokenEnds: [Int32] = []
    private var entryStarts: [Int32] = [0]
    static let capacity = 50_000

    init(owner: BPE) { self.owner = owner }

    func lookup(_ word: UnsafeBufferPointer<UInt8>, byteLevel isByteLevel: Bool, into tokens: inout [ModelToken]) -> Bool {
        let entry = (isByteLevel ? byteLevel : plain).find(word.baseAddress!, word.count)
        if entry < 0 { return false }
        var start: Int32 = 0
        for k in Int(entryStarts[Int(entry)])..<Int(entryStarts[Int(entry) + 1]) {
            tokens.append(ModelToken(id: tokenIDs[k], start: start, end: tokenEnds[k]))
            start = tokenEnds[k]
        }
        return true
    }

    func store(_ word: UnsafeBufferPointer<UInt8>, byteLevel isByteLevel: Bool, tokens: ArraySlice<ModelToken>) {
        // Only results whose offsets are contiguous can be replayed from ends alone.
        var expected: Int32 = 0
        for t in tokens { if t.start != expected { return }; expected = t.end }
        if plain.count + byteLevel.count >= BPECache.capacity {
            plain = ByteStringTable(capacity: 1024)
            byteLevel = ByteStringTable(capacity: 1024)
            tokenIDs.removeAll(keepingCapacity: true)
            tokenEnds.removeAll(keepingCapacity: true)
            entryStarts = [0]
        }
        for t in tokens { tokenIDs.append(t.id); tokenEnds.append(t.end) }
        let entry = Int32(entryStarts.count - 1)
        entryStarts.append(Int32(tokenIDs.count))
        if isByteLevel { byteLevel.insert(word, entry) } else { plain.insert(word, entry) }
    }
}
