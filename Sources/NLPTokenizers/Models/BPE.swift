/// Byte-pair encoding: a word starts as its characters (or, byte-level, its bytes) and the ranked
/// merges are applied lowest rank first until none applies. Options as in HF: a continuing-subword
/// prefix and end-of-word suffix on the initial symbols, byte fallback (`<0x41>` tokens) and an
/// unknown token (fused or not) for characters outside the vocabulary, `ignoreMerges` (a word that
/// is itself a token is taken whole) and merge dropout. Results are cached per thread.
public final class BPE: BuiltInModel, @unchecked Sendable {
    let vocab: Vocabulary
    /// The vocabulary's table, held directly (its look-up reads only raw pointers).
    let table: ByteStringTable
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
    /// Id of each byte's byte-level character when no prefix/suffix applies (-1 if absent); raw
    /// memory so the per-byte look-up touches no shared reference count.
    private let byteLevelIDs: UnsafeMutablePointer<Int32>
    /// Ids of `<0x00>` … `<0xFF>` (-1 if absent).
    private let fallbackIDs: UnsafeMutablePointer<Int32>
    private let hasPrefixOrSuffix: Bool
    /// Byte-level without prefix or suffix, every byte a token: the merge of each byte pair, indexed
    /// by `a << 8 | b` as (rank or Int32.max, result) — the first merges of a word without hashing,
    /// from a table whose used part stays in cache (3-byte UTF-8 text starts as all byte pairs).
    private let bytePairs: UnsafeMutablePointer<Int32>?
    /// With `bytePairs`: the byte pairs a merge can join, where words are not cut.
    private let joinable: JoinableBytePairs?
    /// Words up to this many bytes are cached.
    static let cacheableLength = 256
    /// This model's number, unique in the process (names its per-thread word caches; a freed
    /// model's address can be reused, its serial cannot).
    let serial = BPE.nextSerial()

    public init(vocabulary: [(String, Int)], merges: [(String, String)], unknownToken: String? = nil,
                continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil, fuseUnknown: Bool = false,
                byteFallback: Bool = false, ignoreMerges: Bool = false, dropout: Double? = nil) throws {
        vocab = Vocabulary(vocabulary)
        table = vocab.table
        var mergeTable = MergeTable(capacity: merges.count)
        var list: [(Int32, Int32)] = []
        list.reserveCapacity(merges.count)
        // HF drops the prefix's length from the right token of a merge when a prefix is set.
        let prefixLength = continuingSubwordPrefix?.utf8.count ?? 0
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocab.id(for: a), let ib = vocab.id(for: b) else {
                throw TokenizerFileError(field: "model.merges[\(rank)]",
                                         "the merge \"\(a) \(b)\" uses a token that is not in the vocabulary")
            }
            let made = a + String(decoding: Array(b.utf8).dropFirst(min(prefixLength, b.utf8.count)), as: UTF8.self)
            guard let result = vocab.id(for: made) else {
                throw TokenizerFileError(field: "model.merges[\(rank)]",
                                         "the merge \"\(a) \(b)\" makes \"\(made)\", which is not in the vocabulary")
            }
            mergeTable.set(Int32(ia), Int32(ib), rank: Int32(rank), result: Int32(result))
            list.append((Int32(ia), Int32(ib)))
        }
        self.merges = mergeTable
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
        byteLevelIDs = .allocate(capacity: 256)
        fallbackIDs = .allocate(capacity: 256)
        for b in 0..<256 {
            byteLevelIDs[b] = ByteLevelAlphabet.utf8[b].withUnsafeBufferPointer { v.id($0.baseAddress!, $0.count) }
            fallbackIDs[b] = Int32(v.id(for: "<0x\(b < 16 ? "0" : "")\(String(b, radix: 16, uppercase: true))>") ?? -1)
        }
        hasPrefixOrSuffix = !prefixBytes.isEmpty || !suffixBytes.isEmpty
        let levelIDs = byteLevelIDs
        if !hasPrefixOrSuffix && !(0..<256).contains(where: { levelIDs[$0] < 0 }) {
            let pairs = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * 65536)
            for a in 0..<256 {
                for b in 0..<256 {
                    let m = mergeTable.find(levelIDs[a], levelIDs[b])
                    pairs[2 * (a << 8 | b)] = m.rank < 0 ? Int32.max : m.rank
                    pairs[2 * (a << 8 | b) + 1] = m.result
                }
            }
            bytePairs = pairs
            joinable = JoinableBytePairs(merges: merges)
        } else {
            bytePairs = nil
            joinable = nil
        }
    }

    deinit {
        byteLevelIDs.deallocate()
        fallbackIDs.deallocate()
        bytePairs?.deallocate()
        joinable?.deallocate()
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
        // The buffer keeps its scratch and cache alive: used unretained, no reference counting per word.
        tokens.scratchRef._withUnsafeGuaranteedRef { scratch in
            if ignoreMerges, let id = wholeWordID(word, byteLevel: byteLevel, scratch) {
                tokens.append(ModelToken(id: id, start: 0, end: Int32(word.count)))
                return
            }
            guard dropout == nil else {
                merge(word, byteLevel: byteLevel, scratch: scratch, into: tokens)
                return
            }
            guard byteLevel, let joinable, let bytePairs else {
                tokenizeCached(word, byteLevel: byteLevel, scratch, into: tokens)
                return
            }
            // Cut where no merge can join the two bytes: the pieces merge independently.
            let p = word.baseAddress!
            var start = 0
            for k in 1..<word.count where !joinable.contains(p[k - 1], p[k]) {
                tokenizePiece(of: p, start, k, bytePairs, scratch, into: tokens)
                start = k
            }
            tokenizePiece(of: p, start, word.count, bytePairs, scratch, into: tokens)
        }
    }

    /// Bytes `start..<end` of a byte-level word, a piece that no merge crosses, with word offsets.
    @inline(__always)
    private func tokenizePiece(of word: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ bytePairs: UnsafePointer<Int32>,
                               _ scratch: BPEScratch, into tokens: TokenBuffer) {
        // One or two bytes (most pieces of CJK text): at most one merge, read from the pair table,
        // here in the loop over the word (the longer pieces take a call).
        if end - start <= 2 {
            tokens.reserve(2)
            let out = tokens.base + tokens.count
            let a = Int(word[start])
            if end - start == 2 {
                let b = Int(word[start + 1]), pair = 2 * (a << 8 | b)
                if bytePairs[pair] != Int32.max {
                    out[0] = ModelToken(id: bytePairs[pair + 1], start: Int32(start), end: Int32(end))
                    tokens.count += 1
                } else {
                    out[0] = ModelToken(id: byteLevelIDs[a], start: Int32(start), end: Int32(start + 1))
                    out[1] = ModelToken(id: byteLevelIDs[b], start: Int32(start + 1), end: Int32(end))
                    tokens.count += 2
                }
            } else {
                out[0] = ModelToken(id: byteLevelIDs[a], start: Int32(start), end: Int32(end))
                tokens.count += 1
            }
            return
        }
        tokenizeLongPiece(of: word, start, end, scratch, into: tokens)
    }

    @inline(never)
    private func tokenizeLongPiece(of word: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ scratch: BPEScratch,
                                   into tokens: TokenBuffer) {
        let first = tokens.count
        tokenizeCached(UnsafeBufferPointer(start: word + start, count: end - start), byteLevel: true, scratch, into: tokens)
        guard start > 0 else { return }
        let shift = Int32(start)
        for k in first..<tokens.count {
            tokens.base[k].start += shift
            tokens.base[k].end += shift
        }
    }

    /// A word (or piece) through this thread's cache, merged on a miss.
    @inline(__always)
    private func tokenizeCached(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, _ scratch: BPEScratch,
                                into tokens: TokenBuffer) {
        guard word.count <= BPE.cacheableLength else {
            merge(word, byteLevel: byteLevel, scratch: scratch, into: tokens)
            return
        }
        if tokens.cacheModel != serial {
            tokens.useCache(Workspace.current.cache(for: self))
        }
        tokens.cacheRef!._withUnsafeGuaranteedRef { cache in
            let hash = BPECache.hash(word, byteLevel)
            if cache.lookup(word, hash: hash, into: tokens) { return }
            let first = tokens.count
            merge(word, byteLevel: byteLevel, scratch: scratch, into: tokens)
            cache.store(word, hash: hash, tokens: UnsafeBufferPointer(start: tokens.base + first, count: tokens.count - first))
        }
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
        if !hasPrefixOrSuffix { return table.find(text.baseAddress!, text.count) }
        let withPrefix = !first && !prefixBytes.isEmpty, withSuffix = last && !suffixBytes.isEmpty
        if !withPrefix && !withSuffix { return table.find(text.baseAddress!, text.count) }
        s.key.removeAll(keepingCapacity: true)
        if withPrefix { s.key.append(contentsOf: prefixBytes) }
        s.key.append(contentsOf: text)
        if withSuffix { s.key.append(contentsOf: suffixBytes) }
        return s.key.withUnsafeBufferPointer { vocab.id($0.baseAddress!, $0.count) }
    }

    /// HF's `merge_word`: the initial symbols, then the merges.
    private func merge(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, scratch s: BPEScratch,
                       into tokens: TokenBuffer) {
        let p = word.baseAddress!, n = word.count
        if byteLevel, let bytePairs, dropout == nil, n <= BPE.scanLimit {
            let ids = s.ids, lengths = s.lengths, ranks = s.ranks, results = s.results
            for k in 0..<n {
                ids[k] = byteLevelIDs[Int(p[k])]
                lengths[k] = 1
            }
            for k in 0..<(n - 1) {
                let pair = 2 * (Int(p[k]) << 8 | Int(p[k + 1]))
                ranks[k] = bytePairs[pair]
                results[k] = bytePairs[pair + 1]
            }
            appendSymbols(s, count: n > 1 ? mergeByScanning(s, count: n, ranked: true) : n, into: tokens)
            return
        }
        s.reset()
        var unknownLength: Int32 = 0, hasUnknown = false
        let plainByteLevel = byteLevel && !hasPrefixOrSuffix
        var i = 0
        while i < n {
            let length = byteLevel ? 1 : UTF8Scalars.length(lead: p[i])
            let isFirst = i == 0, isLast = i + length >= n
            var id: Int32
            if plainByteLevel {
                id = byteLevelIDs[Int(p[i])]
            } else if byteLevel {
                id = ByteLevelAlphabet.utf8[Int(p[i])].withUnsafeBufferPointer {
                    symbolID($0, first: isFirst, last: isLast, s)
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
        if dropout == nil && s.count <= BPE.scanLimit {
            appendSymbols(s, count: s.count > 1 ? mergeByScanning(s, count: s.count, ranked: false) : s.count, into: tokens)
            return
        }
        if s.count > 1 { mergeWithHeap(s) }
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

    /// The first `count` symbols of the scratch as tokens; offsets are the running sums of the
    /// symbol lengths, as HF computes them.
    @inline(__always)
    private func appendSymbols(_ s: BPEScratch, count: Int, into tokens: TokenBuffer) {
        let ids = s.ids, lengths = s.lengths
        var offset: Int32 = 0
        for k in 0..<count {
            let end = offset + lengths[k]
            tokens.append(ModelToken(id: ids[k], start: offset, end: end))
            offset = end
        }
    }

    /// Words up to this many symbols are merged by scanning; longer ones through the heap.
    static let scanLimit = 48

    /// Words up to `scanLimit` symbols: tiktoken's loop over contiguous arrays — find the
    /// lowest-ranked adjacent pair (leftmost on a tie, as HF's (rank, position) heap), merge it,
    /// close the gap, re-rank its two neighbours. `ranked`: the pairs' ranks and results are
    /// already filled in. Returns the number of symbols left.
    private func mergeByScanning(_ s: BPEScratch, count symbols: Int, ranked: Bool) -> Int {
        var count = symbols
        let ids = s.ids, lengths = s.lengths, ranks = s.ranks, results = s.results
        if !ranked {
            for k in 0..<(count - 1) {
                let m = merges.find(ids[k], ids[k + 1])
                ranks[k] = m.rank < 0 ? Int32.max : m.rank
                results[k] = m.result
            }
        }
        while count > 1 {
            var best = Int32.max, at = -1
            for k in 0..<(count - 1) where ranks[k] < best { best = ranks[k]; at = k }
            if at < 0 { break }
            ids[at] = results[at]
            lengths[at] += lengths[at + 1]
            let tail = count - at - 2
            if tail > 0 {
                (ids + at + 1).update(from: ids + at + 2, count: tail)
                (lengths + at + 1).update(from: lengths + at + 2, count: tail)
                (ranks + at + 1).update(from: ranks + at + 2, count: tail)
                (results + at + 1).update(from: results + at + 2, count: tail)
            }
            count -= 1
            if at + 1 < count {
                let m = merges.find(ids[at], ids[at + 1])
                ranks[at] = m.rank < 0 ? Int32.max : m.rank
                results[at] = m.result
            }
            if at > 0 {
                let m = merges.find(ids[at - 1], ids[at])
                ranks[at - 1] = m.rank < 0 ? Int32.max : m.rank
                results[at - 1] = m.result
            }
        }
        return count
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
