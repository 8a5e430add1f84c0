/// A hash table from byte strings to Int32 values, looked up straight from a byte slice (no String is
/// made): vocabularies keyed by token text. Keys live in one contiguous arena; open addressing with
/// linear probing over a power-of-two slot array that stores each key's hash beside its index.
struct ByteStringTable: Sendable {
    private var arena: [UInt8] = []
    private var keyStarts: [Int32] = [0]
    private(set) var values: [Int32] = []
    private var slots: [Int32] = []          // key index + 1, 0 = empty
    private var slotHashes: [UInt32] = []
    private var mask = 0
    /// The longest key, in bytes (a WordPiece search never needs to try longer slices).
    private(set) var maxKeyLength = 0

    var count: Int { values.count }

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        slotHashes = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 31
        return h &* 0xBF58_476D_1CE4_E5B9
    }

    /// The value of a key, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let h = ByteStringTable.hash(p, n)
        let tag = UInt32(truncatingIfNeeded: h >> 32)
        return slots.withUnsafeBufferPointer { slots in
            slotHashes.withUnsafeBufferPointer { hashes in
                keyStarts.withUnsafeBufferPointer { starts in
                    arena.withUnsafeBufferPointer { arena in
                        var s = Int(truncatingIfNeeded: h) & mask
                        while true {
                            let k = Int(slots[s])
                            if k == 0 { return -1 }
                            if hashes[s] == tag {
                                let start = Int(starts[k - 1]), end = Int(starts[k])
                                if end - start == n && (n == 0 || memcmp(arena.baseAddress! + start, p, n) == 0) {
                                    return values[k - 1]
                                }
                            }
                            s = (s + 1) & mask
                        }
                    }
                }
            }
        }
    }

    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let base = bytes.baseAddress else {
            var empty: UInt8 = 0
            return find(&empty, 0)
        }
        return find(base, bytes.count)
    }

    func find(_ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { find($0) }
    }

    /// Inserts or overwrites.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32) {
        if (values.count + 1) * 2 > slots.count { grow() }
        var empty: UInt8 = 0
        let p = key.baseAddress ?? withUnsafePointer(to: &empty) { $0 }
        let n = key.count
        let h = ByteStringTable.hash(p, n)
        let tag = UInt32(truncatingIfNeeded: h >> 32)
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[s])
            if k == 0 { break }
            if slotHashes[s] == tag {
                let start = Int(keyStarts[k - 1]), end = Int(keyStarts[k])
                if end - start == n && arena[start..<end].elementsEqual(key) {
                    values[k - 1] = value
                    return
                }
            }
            s = (s + 1) & mask
        }
        arena.append(contentsOf: key)
        keyStarts.append(Int32(arena.count))
        values.append(value)
        slots[s] = Int32(values.count)
        slotHashes[s] = tag
        maxKeyLength = max(maxKeyLength, n)
    }

    mutating func insert(_ key: String, _ value: Int32) {
        var key = key
        key.withUTF8 { insert($0, value) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: 0, count: size)
        var newHashes = [UInt32](repeating: 0, count: size)
        let newMask = size - 1
        arena.withUnsafeBufferPointer { a in
            for k in 0..<values.count {
                let start = Int(keyStarts[k]), end = Int(keyStarts[k + 1])
                let h = ByteStringTable.hash(a.baseAddress! + start, end - start)
                var s = Int(truncatingIfNeeded: h) & newMask
                while newSlots[s] != 0 { s = (s + 1) & newMask }
                newSlots[s] = Int32(k + 1)
                newHashes[s] = UInt32(truncatingIfNeeded: h >> 32)
            }
        }
        slots = newSlots
        slotHashes = newHashes
        mask = newMask
    }
}

/// A hash table from pairs of token ids to a merge (its rank and the id it makes), for BPE.
struct MergeTable: Sendable {
    private var keys: [UInt64]
    private var ranks: [Int32]
    private var results: [Int32]
    private let mask: Int
    private static let emptyKey = UInt64.max
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: MergeTable.emptyKey, count: size)
        ranks = [Int32](repeating: 0, count: size)
        results = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    /// Adds or replaces the merge of a pair (a pair listed twice keeps its last rank, as HF's map).
    mutating func set(_ a: Int32, _ b: Int32, rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
        var s = MergeTable.slot(key, mask)
        while keys[s] != MergeTable.emptyKey && keys[s] != key { s = (s + 1) & mask }
        if keys[s] == MergeTable.emptyKey { count += 1 }
        keys[s] = key
        ranks[s] = rank
        results[s] = result
    }

    /// The merge of a pair: (rank, result id), or rank -1.
    @inline(__always)
    func find(_ a: Int32, _ b: Int32) -> (rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
        return keys.withUnsafeBufferPointer { k in
            var s = MergeTable.slot(key, mask)
            while true {
                let found = k[s]
                if found == key { return (ranks[s], results[s]) }
                if found == MergeTable.emptyKey { return (-1, -1) }
                s = (s + 1) & mask
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
