import Synchronization

/// One thread's cache of BPE results for one model: word bytes → tokens, in raw memory (looked up
/// per word, so no reference counting on the way). Two generations: when the newer one is full, the
/// older one is dropped and the newer takes its place, and a hit in the older generation is copied
/// into the newer — so a full cache forgets the words not seen lately, never the frequent ones.
final class BPECache {
    /// The `BPE.serial` of the model whose results these are.
    let model: UInt64
    /// Entries in one generation (the cache holds at most twice as many).
    static let generationCapacity = 32_768
    /// The two generations (which one is the newer flips), used through unretained references:
    /// a look-up touches no reference count.
    private let first = BPECacheTable(), second = BPECacheTable()
    private let firstReference: Unmanaged<BPECacheTable>, secondReference: Unmanaged<BPECacheTable>
    private var firstIsNewer = true
    @inline(__always) private var newer: Unmanaged<BPECacheTable> { firstIsNewer ? firstReference : secondReference }
    @inline(__always) private var older: Unmanaged<BPECacheTable> { firstIsNewer ? secondReference : firstReference }

    init(model: UInt64) {
        self.model = model
        firstReference = Unmanaged.passUnretained(first)
        secondReference = Unmanaged.passUnretained(second)
    }

    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>, _ byteLevel: Bool) -> UInt64 {
        ByteStringTable.word(word.baseAddress!, word.count).hash ^ (byteLevel ? 0x5555_5555_5555_5555 : 0)
    }

    /// Appends the cached tokens of `word` (whose `hash(_:_:)` is `h`), or returns false.
    @inline(__always)
    func lookup(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt64, into tokens: TokenBuffer) -> Bool {
        if newer._withUnsafeGuaranteedRef({ $0.lookup(word, h, into: tokens) }) { return true }
        guard older._withUnsafeGuaranteedRef({ $0.count > 0 }) else { return false }
        let first = tokens.count
        guard older._withUnsafeGuaranteedRef({ $0.lookup(word, h, into: tokens) }) else { return false }
        insert(word, h, UnsafeBufferPointer(start: tokens.base + first, count: tokens.count - first))
        return true
    }

    func store(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt64, tokens: UnsafeBufferPointer<ModelToken>) {
        // Only results whose offsets are contiguous can be replayed from ends alone.
        var expected: Int32 = 0
        for t in tokens { if t.start != expected { return }; expected = t.end }
        insert(word, h, tokens)
    }

    private func insert(_ word: UnsafeBufferPointer<UInt8>, _ h: UInt64, _ tokens: UnsafeBufferPointer<ModelToken>) {
        if newer._withUnsafeGuaranteedRef({ $0.count >= BPECache.generationCapacity }) {
            firstIsNewer.toggle()
            newer._withUnsafeGuaranteedRef { $0.removeAll() }
        }
        newer._withUnsafeGuaranteedRef { $0.insert(word, h, tokens) }
    }
}

extension BPE {
    private static let serials = Atomic<UInt64>(0)

    /// 1, 2, 3, … (0 is no model).
    static func nextSerial() -> UInt64 {
        serials.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

/// One generation of the cache: an open-addressing table of (hash tag, record) slots over one
/// buffer of records — a header word (key length, token count), the key bytes padded to whole
/// words, then (id, end) per token — so a hit reads one slot and one or two cache lines. The slot
/// table grows with the entries: a few thousand pieces of Chinese text stay small and hot.
final class BPECacheTable {
    private(set) var count = 0
    /// 0: empty; else the hash's high 32 bits << 32 | (record offset + 1). The high bits also pick
    /// the slot, so growing needs no key rehashed.
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int
    /// The records, in raw memory held by the table itself (a lookup reads no other object, so it
    /// touches no reference count).
    private var records: UnsafeMutablePointer<UInt32>
    private var recordCapacity = 1 << 12
    private var recordCount = 0

    init() {
        mask = 1023
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: 0, count: mask + 1)
        records = .allocate(capacity: recordCapacity)
    }

    deinit {
        slots.deallocate()
        records.deallocate()
    }

    func removeAll() {
        slots.update(repeating: 0, count: mask + 1)
        recordCount = 0
        count = 0
    }

    @inline(__always)
    func lookup(_ word: UnsafeBufferPointer<UInt8>, _ h: UInt64, into tokens: TokenBuffer) -> Bool {
        let tag = h >> 32, n = word.count
        var s = Int(truncatingIfNeeded: tag) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { return false }
            if slot >> 32 == tag {
                let record = records + (Int(UInt32(truncatingIfNeeded: slot)) - 1)
                let header = record[0]
                if Int(header & 0xFFFF) == n && BPECacheTable.equal(UnsafeRawPointer(record + 1), word.baseAddress!, n) {
                    var t = record + 1 + (n + 3) >> 2
                    var start: Int32 = 0
                    let m = Int(header >> 16)
                    tokens.reserve(m)
                    // Written through a local pointer: no call on the buffer in the loop.
                    let out = tokens.base + tokens.count
                    for k in 0..<m {
                        let end = Int32(bitPattern: t[1])
                        out[k] = ModelToken(id: Int32(bitPattern: t[0]), start: start, end: end)
                        start = end
                        t += 2
                    }
                    tokens.count += m
                    return true
                }
            }
            s = (s + 1) & mask
        }
    }

    /// Adds a word that is not in the table (words are at most `BPE.cacheableLength` bytes).
    func insert(_ word: UnsafeBufferPointer<UInt8>, _ h: UInt64, _ tokens: UnsafeBufferPointer<ModelToken>) {
        if 2 * (count + 1) > mask + 1 { grow() }
        let n = word.count, keyWords = (n + 3) >> 2
        let size = 1 + keyWords + 2 * tokens.count
        if recordCount + size > recordCapacity { growRecords(recordCount + size) }
        let offset = recordCount
        let record = records + offset
        record[0] = UInt32(n) | UInt32(tokens.count) << 16
        record[keyWords] = 0
        UnsafeMutableRawPointer(record + 1).copyMemory(from: word.baseAddress!, byteCount: n)
        var t = record + 1 + keyWords
        for token in tokens {
            t[0] = UInt32(bitPattern: token.id)
            t[1] = UInt32(bitPattern: token.end)
            t += 2
        }
        recordCount += size
        place((h >> 32) << 32 | UInt64(offset + 1))
        count += 1
    }

    @inline(__always)
    private func place(_ slot: UInt64) {
        var s = Int(truncatingIfNeeded: slot >> 32) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = slot
    }

    private func growRecords(_ needed: Int) {
        (records, recordCapacity) = reallocated(records, count: recordCount, capacity: recordCapacity, toHold: needed)
    }

    private func grow() {
        let old = slots, oldCount = mask + 1
        mask = 2 * oldCount - 1
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: 0, count: mask + 1)
        for s in 0..<oldCount where old[s] != 0 { place(old[s]) }
        old.deallocate()
    }

    /// Whether the `n` bytes at `a` and `b` are equal, a word at a time.
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let b = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return i == n || a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for i in 0..<n where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        return true
    }
}
