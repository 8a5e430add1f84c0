import Foundation

/// Raw memory for the token records of one or more encodings: one allocation (header and records).
/// `encodeBatch` writes a worker's encodings one after another into shared blocks (`RecordArena`),
/// so a batch of 100k lines takes a few hundred blocks from `RecordBlockPool`, not 100k allocations,
/// and the thread that drops the batch frees none (before, it freed each encoding's buffer, made on
/// another thread, under that glibc arena's lock).
final class RecordBlock: ManagedBuffer<RecordBlock.Header, TokenRecord> {
    struct Header {
        let capacity: Int
        /// Records handed out so far (by the arena that fills the block).
        var used: Int
    }

    @inline(__always)
    static func make(capacity: Int) -> RecordBlock {
        let buffer = RecordBlock.create(minimumCapacity: capacity) { _ in Header(capacity: capacity, used: 0) }
        return unsafeDowncast(buffer, to: RecordBlock.self)
    }

    /// The records (valid while the block lives; TokenRecord is trivial, so the block's end needs
    /// no deinitialization).
    @inline(__always)
    var base: UnsafeMutablePointer<TokenRecord> { withUnsafeMutablePointerToElements { $0 } }
}

/// Hands out runs of records from the pool's blocks: the encodings one batch worker makes share
/// its blocks (a block is reused once no encoding made in it lives).
final class RecordArena {
    static let blockCapacity = 4096   // 96 KB a block
    private var block: RecordBlock?

    /// A run of `count` records to write, in the current block or the next.
    @inline(__always)
    func run(_ count: Int) -> (block: RecordBlock, offset: Int) {
        if let block, block.header.capacity - block.header.used >= count {
            let offset = block.header.used
            block.header.used = offset + count
            return (block, offset)
        }
        if count > RecordArena.blockCapacity {
            let own = RecordBlock.make(capacity: count)
            own.header.used = count
            return (own, 0)
        }
        let next = RecordBlockPool.shared.take()
        next.header.used = count
        block = next
        return (next, 0)
    }
}

/// The batch blocks, kept for the next batches once their encodings are gone: a batch's memory
/// stays mapped. (Freed, glibc hands much of it back to the kernel, and the next batch faults each
/// page in again: up to 3,300 page faults a 5 MB batch at 2 threads before the blocks, 6,400 with
/// unpooled blocks.) At most `limit` blocks are kept; past that, blocks are freed as usual.
final class RecordBlockPool: @unchecked Sendable {
    static let shared = RecordBlockPool()
    /// 128 MB: the tokens of a 5 MB batch of Chinese through GPT-2 (3.7M tokens, 88 MB), or of
    /// about 16 MB of English.
    static let limit = 1365
    private var blocks: [RecordBlock] = []
    private var cursor = 0
    private let lock = NSLock()

    /// A block no encoding uses (the pool holds its one reference), emptied; else a new one.
    func take() -> RecordBlock {
        lock.lock()
        defer { lock.unlock() }
        let n = blocks.count
        for k in 0..<n {
            let i = (cursor + k) % n
            if isKnownUniquelyReferenced(&blocks[i]) {
                cursor = i + 1
                blocks[i].header.used = 0
                return blocks[i]
            }
        }
        let block = RecordBlock.make(capacity: RecordArena.blockCapacity)
        if n < RecordBlockPool.limit { blocks.append(block) }
        return block
    }
}

/// An encoding's tokens: `count` records at `offset` in a block that may hold other encodings'
/// records too. A value: a change writes in place only when this is the block's one reference,
/// else it copies the run into a block of its own first.
///
/// Sendable as a value: a block's records are written before any encoding shares them, and a
/// change copies them first (ManagedBuffer itself is never Sendable).
struct TokenRecords: RandomAccessCollection, Equatable, @unchecked Sendable {
    private var block: RecordBlock?
    private var offset: Int32 = 0
    private var length: Int32 = 0

    init() {}

    /// Records `offset..<offset + count` of `block`, already written.
    @inline(__always)
    init(_ block: RecordBlock, offset: Int, count: Int) {
        self.block = block
        self.offset = Int32(truncatingIfNeeded: offset)
        length = Int32(truncatingIfNeeded: count)
    }

    /// `count` records written by `write` (given where the first goes), in a run of `arena`, or
    /// else in a block of their own with room for `capacity` (padding then appends in place).
    @inline(__always)
    init(count: Int, capacity: Int = 0, arena: RecordArena?, write: (UnsafeMutablePointer<TokenRecord>) -> Void) {
        if let arena {
            guard count > 0 else { return }
            let run = arena.run(count)
            block = run.block
            offset = Int32(truncatingIfNeeded: run.offset)
        } else {
            let capacity = Swift.max(count, capacity)
            guard capacity > 0 else { return }
            block = RecordBlock.make(capacity: capacity)
        }
        write(base.unsafelyUnwrapped)
        length = Int32(truncatingIfNeeded: count)
    }

    /// A copy of `records`, in a run of `arena` (nil: a block of its own).
    init(copying records: UnsafeBufferPointer<TokenRecord>, arena: RecordArena? = nil) {
        self.init(count: records.count, arena: arena) { out in
            if let source = records.baseAddress { out.initialize(from: source, count: records.count) }
        }
    }

    init<S: Sequence>(_ records: S) where S.Element == TokenRecord {
        append(contentsOf: records)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { Int(length) }
    var count: Int { Int(length) }
    var isEmpty: Bool { length == 0 }

    /// The first record (nil when empty); valid while this value is neither changed nor dropped.
    @inline(__always)
    var base: UnsafeMutablePointer<TokenRecord>? { block.map { $0.base + Int(offset) } }

    subscript(i: Int) -> TokenRecord {
        @inline(__always) get {
            precondition(i >= 0 && i < Int(length), "token index out of range")
            return block.unsafelyUnwrapped.base[Int(offset) + i]
        }
        set {
            precondition(i >= 0 && i < Int(length), "token index out of range")
            reserve(0)
            block.unsafelyUnwrapped.base[Int(offset) + i] = newValue
        }
    }

    /// Tokens `range` (sharing this value's block).
    func extracting(_ range: Range<Int>) -> TokenRecords {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "token range out of range")
        guard let block, !range.isEmpty else { return TokenRecords() }
        return TokenRecords(block, offset: Int(offset) + range.lowerBound, count: range.count)
    }

    /// Makes this value the only user of a block with room for `extra` more records after its own.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        let needed = count + extra
        if needed == 0 { return }
        if isKnownUniquelyReferenced(&block), let block, Int(offset) + needed <= block.header.capacity { return }
        let fresh = RecordBlock.make(capacity: Swift.max(needed, 2 * count, 4))
        if let base { fresh.base.initialize(from: base, count: count) }
        block = fresh
        offset = 0
    }

    mutating func reserveCapacity(_ n: Int) { reserve(Swift.max(0, n - count)) }

    mutating func append(_ record: TokenRecord) {
        reserve(1)
        block.unsafelyUnwrapped.base[Int(offset) + count] = record
        length += 1
    }

    mutating func append<S: Sequence>(contentsOf records: S) where S.Element == TokenRecord {
        reserve(records.underestimatedCount)
        for r in records { append(r) }
    }

    mutating func append(contentsOf other: TokenRecords) {
        guard let source = other.base else { return }
        let n = other.count
        reserve(n)
        (block.unsafelyUnwrapped.base + Int(offset) + count).initialize(from: source, count: n)
        length += Int32(n)
    }

    /// `n` copies of `record` before the first.
    mutating func prepend(_ record: TokenRecord, count n: Int) {
        guard n > 0 else { return }
        var moved = TokenRecords()
        moved.reserve(count + n)
        let out = moved.block.unsafelyUnwrapped.base
        out.initialize(repeating: record, count: n)
        if let base { (out + n).initialize(from: base, count: count) }
        moved.length = Int32(count + n)
        self = moved
    }

    /// Sets every record's type id.
    mutating func setTypeIDs(_ typeID: UInt32) {
        reserve(0)
        guard let base else { return }
        for i in 0..<count { base[i].typeID = typeID }
    }

    static func == (a: TokenRecords, b: TokenRecords) -> Bool { a.elementsEqual(b) }
}
