/// Byte-pair encoding: a word starts as its characters (or, byte-level, its bytes) and the ranked
/// merges are applied lowest rank first until none applies. Options as in HF: a continuing-subword
/// prefix and end-of-word suffix on the initial symbols, byte fallback (`<0x41>` tokens) and an
/// unknown token (fused or not) for characters outside the vocabulary, `ignoreMerges` (a word that
/// is itself a token is taken whole) and merge dropout. Results are cached per thread.
public final class BPE: BuiltInModel, @unchecked Sendable {
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

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into tokens: TokenBuffer) {
        guard word.count > 0 else { return }
        let scratch = tokens.bpeScratch
        if ignoreMerges, let id = wholeWordID(word, byteLevel: byteLevel, scratch) {
            tokens.append(ModelToken(id: id, start: 0, end: Int32(word.count)))
            return
        }
        var cache: BPECache?
        if dropout == nil && word.count <= BPE.cacheableLength {
            if tokens.cacheModel === self {
                cache = tokens.cache
            } else {
                cache = Workspace.current.cache(for: self)
                tokens.cacheModel = self
                tokens.cache = cache
            }
        }
        if let cache, cache.lookup(word, byteLevel: byteLevel, into: tokens) { return }
        let first = tokens.count
        merge(word, byteLevel: byteLevel, scratch: scratch, into: tokens)
        cache?.store(word, byteLevel: byteLevel, tokens: UnsafeBufferPointer(start: tokens.base + first, count: tokens.count - first))
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
                       into tokens: TokenBuffer) {
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
            if dropout == nil && s.count <= 12 { mergeByScanning(s) } else { mergeWithHeap(s) }
        }
        // Offsets are the running sums of the symbol lengths, as HF computes them.
        let ids = s.ids, lengths = s.lengths, next = s.next
        var offset: Int32 = 0
        var k = s.count > 0 ? 0 : -1
        while k >= 0 {
            let end = offset + lengths[k]
            tokens.append(ModelToken(id: ids[k], start: offset, end: end))
            offset = end
            k = Int(next[k])
        }
    }

    /// Small words: find the lowest-ranked adjacent pair by scanning, merge, repeat.
    private func mergeByScanning(_ s: BPEScratch) {
        let count = s.count
        let ids = s.ids, lengths = s.lengths, previous = s.previous, next = s.next
        let ranks = s.ranks, results = s.results
        for k in 0..<count {
            if k + 1 < count {
                let m = merges.find(ids[k], ids[k + 1])
                ranks[k] = m.rank < 0 ? Int32.max : m.rank
                results[k] = m.result
            } else {
                ranks[k] = Int32.max
                results[k] = -1
            }
        }
        while true {
            var best = Int32.max, at = -1
            var k = 0
            while k >= 0 {
                if ranks[k] < best { best = ranks[k]; at = k }
                k = Int(next[k])
            }
            if at < 0 { return }
            let right = Int(next[at])
            ids[at] = results[at]
            lengths[at] += lengths[right]
            next[at] = next[right]
            let after = Int(next[at])
            if after >= 0 {
                previous[after] = Int32(at)
                let m = merges.find(ids[at], ids[after])
                ranks[at] = m.rank < 0 ? Int32.max : m.rank
                results[at] = m.result
            } else {
                ranks[at] = Int32.max
            }
            let left = Int(previous[at])
            if left >= 0 {
                let m = merges.find(ids[left], ids[at])
                ranks[left] = m.rank < 0 ? Int32.max : m.rank
                results[left] = m.result
            }
        }
    }

    /// Long words (and dropout): HF's priority queue of candidate merges, lowest (rank, position)
    /// first; stale entries are skipped when popped.
    private func mergeWithHeap(_ s: BPEScratch) {
        let ids = s.ids, lengths = s.lengths, previous = s.previous, next = s.next, alive = s.alive
        var heap = BPEHeap(keys: s.heapKeys, results: s.heapResults)
        for k in 0..<(s.count - 1) {
            let m = merges.find(ids[k], ids[k + 1])
            if m.rank >= 0 { heap.push(rank: m.rank, position: Int32(k), result: m.result) }
        }
        var skipped: [(UInt64, Int32)] = []
        while heap.count > 0 {
            let (key, result) = heap.pop()
            if let d = dropout, Double.random(in: 0..<1) < d {
                skipped.append((key, result))
                continue
            }
            if !skipped.isEmpty {
                for (k, r) in skipped { heap.push(key: k, result: r) }
                skipped.removeAll()
            }
            let at = Int(UInt32(truncatingIfNeeded: key))
            if !alive[at] { continue }
            let right = Int(next[at])
            if right < 0 { continue }
            let current = merges.find(ids[at], ids[right])
            if current.rank < 0 || current.result != result { continue }
            ids[at] = result
            lengths[at] += lengths[right]
            alive[right] = false
            next[at] = next[right]
            let after = Int(next[at])
            if after >= 0 { previous[after] = Int32(at) }
            let left = Int(previous[at])
            if left >= 0 {
                let m = merges.find(ids[left], ids[at])
                if m.rank >= 0 { heap.push(rank: m.rank, position: Int32(left), result: m.result) }
            }
            if after >= 0 {
                let m = merges.find(ids[at], ids[after])
                if m.rank >= 0 { heap.push(rank: m.rank, position: Int32(at), result: m.result) }
            }
        }
    }
}

/// The symbols of the word being merged (a linked list over raw arrays), reused between words.
final class BPEScratch {
    private(set) var capacity = 0
    private(set) var ids = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var lengths = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var previous = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var next = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var alive = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
    private(set) var ranks = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var results = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    /// The heap holds at most 3 entries per symbol (its initial pair, two per merge).
    private(set) var heapKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private(set) var heapResults = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    var key: [UInt8] = []
    private(set) var count = 0

    init() { grow(256) }

    deinit { free() }

    private func free() {
        ids.deallocate(); lengths.deallocate(); previous.deallocate(); next.deallocate(); alive.deallocate()
        ranks.deallocate(); results.deallocate(); heapKeys.deallocate(); heapResults.deallocate()
    }

    private func grow(_ c: Int) {
        let old = (ids, lengths, previous, next, alive, count)
        let newIDs = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        let newLengths = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        let newPrevious = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        let newNext = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        let newAlive = UnsafeMutablePointer<Bool>.allocate(capacity: c)
        if capacity > 0 {
            newIDs.update(from: old.0, count: old.5); newLengths.update(from: old.1, count: old.5)
            newPrevious.update(from: old.2, count: old.5); newNext.update(from: old.3, count: old.5)
            newAlive.update(from: old.4, count: old.5)
        }
        free()
        ids = newIDs; lengths = newLengths; previous = newPrevious; next = newNext; alive = newAlive
        ranks = .allocate(capacity: c); results = .allocate(capacity: c)
        heapKeys = .allocate(capacity: 3 * c + 4); heapResults = .allocate(capacity: 3 * c + 4)
        capacity = c
    }

    func reset() { count = 0 }

    @inline(__always)
    func add(_ id: Int32, _ length: Int32) {
        if count == capacity { grow(capacity * 2) }
        let k = Int32(count)
        if k > 0 { next[count - 1] = k }
        ids[count] = id
        lengths[count] = length
        previous[count] = k - 1
        next[count] = -1
        alive[count] = true
        count += 1
    }
}

/// A binary min-heap of (rank << 32 | position) keys with the merge's result id alongside, over the
/// scratch's raw arrays (sized for the word).
struct BPEHeap {
    let keys: UnsafeMutablePointer<UInt64>
    let results: UnsafeMutablePointer<Int32>
    private(set) var count = 0

    init(keys: UnsafeMutablePointer<UInt64>, results: UnsafeMutablePointer<Int32>) {
        self.keys = keys
        self.results = results
    }

    @inline(__always)
    mutating func push(rank: Int32, position: Int32, result: Int32) {
        push(key: UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: position)), result: result)
    }

    @inline(__always)
    mutating func push(key: UInt64, result: Int32) {
        var i = count
        count += 1
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

    @inline(__always)
    mutating func pop() -> (UInt64, Int32) {
        let top = keys[0], topResult = results[0]
        count -= 1
        let n = count
        if n > 0 {
            let lastKey = keys[n], lastResult = results[n]
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

/// One thread's cache of BPE results for one model: word bytes → tokens, in raw memory (looked up
/// per word, so no reference counting on the way). Cleared when full.
final class BPECache {
    weak var owner: BPE?
    static let capacity = 50_000
    private static let slotCount = 1 << 17
    private struct Slot { var hash: UInt64; var entry: Int32 }
    private let slots: UnsafeMutablePointer<Slot>
    private let keys = GrowableBuffer<UInt8>(capacity: 1 << 16)
    private let keyStarts = GrowableBuffer<Int32>(capacity: 1 << 12)
    private let tokenStarts = GrowableBuffer<Int32>(capacity: 1 << 12)
    private let ids = GrowableBuffer<Int32>(capacity: 1 << 14)
    private let ends = GrowableBuffer<Int32>(capacity: 1 << 14)
    private var entries = 0

    init(owner: BPE) {
        self.owner = owner
        slots = .allocate(capacity: BPECache.slotCount)
        clear()
    }

    deinit { slots.deallocate() }

    private func clear() {
        slots.initialize(repeating: Slot(hash: 0, entry: -1), count: BPECache.slotCount)
        keys.count = 0
        keyStarts.count = 0
        keyStarts.reserve(1); keyStarts.base[0] = 0; keyStarts.count = 1
        tokenStarts.count = 0
        tokenStarts.reserve(1); tokenStarts.base[0] = 0; tokenStarts.count = 1
        ids.count = 0
        ends.count = 0
        entries = 0
    }

    @inline(__always)
    private static func hash(_ word: UnsafeBufferPointer<UInt8>, _ byteLevel: Bool) -> UInt64 {
        ByteStringTable.word(word.baseAddress!, word.count).hash ^ (byteLevel ? 0x5555_5555_5555_5555 : 0)
    }

    func lookup(_ word: UnsafeBufferPointer<UInt8>, byteLevel isByteLevel: Bool, into tokens: TokenBuffer) -> Bool {
        let h = BPECache.hash(word, isByteLevel)
        let mask = BPECache.slotCount - 1
        var s = Int(truncatingIfNeeded: h) & mask
        let keyBase = keys.base, starts = keyStarts.base
        while true {
            let slot = slots[s]
            if slot.entry < 0 { return false }
            if slot.hash == h {
                let e = Int(slot.entry)
                let a = Int(starts[e]), b = Int(starts[e + 1])
                if b - a == word.count && memcmp(keyBase + a, word.baseAddress!, word.count) == 0 {
                    let t0 = Int(tokenStarts.base[e]), t1 = Int(tokenStarts.base[e + 1])
                    let idBase = ids.base, endBase = ends.base
                    var start: Int32 = 0
                    for k in t0..<t1 {
                        tokens.append(ModelToken(id: idBase[k], start: start, end: endBase[k]))
                        start = endBase[k]
                    }
                    return true
                }
            }
            s = (s + 1) & mask
        }
    }

    func store(_ word: UnsafeBufferPointer<UInt8>, byteLevel isByteLevel: Bool, tokens: UnsafeBufferPointer<ModelToken>) {
        // Only results whose offsets are contiguous can be replayed from ends alone.
        var expected: Int32 = 0
        for t in tokens { if t.start != expected { return }; expected = t.end }
        if entries >= BPECache.capacity { clear() }
        let h = BPECache.hash(word, isByteLevel)
        let mask = BPECache.slotCount - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s].entry >= 0 { s = (s + 1) & mask }
        keys.reserve(word.count)
        (keys.base + keys.count).update(from: word.baseAddress!, count: word.count)
        keys.count += word.count
        keyStarts.reserve(1)
        keyStarts.base[keyStarts.count] = Int32(keys.count)
        keyStarts.count += 1
        ids.reserve(tokens.count)
        ends.reserve(tokens.count)
        for t in tokens {
            ids.base[ids.count] = t.id
            ends.base[ends.count] = t.end
            ids.count += 1
            ends.count += 1
        }
        tokenStarts.reserve(1)
        tokenStarts.base[tokenStarts.count] = Int32(ids.count)
        tokenStarts.count += 1
        slots[s] = Slot(hash: h, entry: Int32(entries))
        entries += 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
