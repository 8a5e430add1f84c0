/// A hash table from byte strings to Int32 values, looked up straight from a byte slice (no String is
/// made): vocabularies keyed by token text. Keys live in one contiguous arena; open addressing with
/// linear probing over a power-of-two slot array that stores each key's hash beside its index.
///
/// The storage is raw memory owned by a class (copied on write), and the struct holds the pointers,
/// so a look-up touches no reference count.
struct ByteStringTable: @unchecked Sendable {
    private final class Owner {
        var arena: UnsafeMutablePointer<UInt8>
        var arenaCapacity: Int
        var keyStarts: UnsafeMutablePointer<Int32>
        var values: UnsafeMutablePointer<Int32>
        var entryCapacity: Int
        var slots: UnsafeMutablePointer<Int32>      // key index + 1, 0 = empty
        var tags: UnsafeMutablePointer<UInt32>
        var slotCount: Int

        init(entries: Int, arenaBytes: Int, slots slotCount: Int) {
            arenaCapacity = max(16, arenaBytes)
            arena = .allocate(capacity: arenaCapacity)
            entryCapacity = max(16, entries)
            keyStarts = .allocate(capacity: entryCapacity + 1)
            keyStarts[0] = 0
            values = .allocate(capacity: entryCapacity)
            self.slotCount = slotCount
            slots = .allocate(capacity: slotCount)
            slots.initialize(repeating: 0, count: slotCount)
            tags = .allocate(capacity: slotCount)
            tags.initialize(repeating: 0, count: slotCount)
        }

        func copy(count: Int, arenaCount: Int) -> Owner {
            let o = Owner(entries: entryCapacity, arenaBytes: arenaCapacity, slots: slotCount)
            o.arena.update(from: arena, count: arenaCount)
            o.keyStarts.update(from: keyStarts, count: count + 1)
            o.values.update(from: values, count: count)
            o.slots.update(from: slots, count: slotCount)
            o.tags.update(from: tags, count: slotCount)
            return o
        }

        deinit {
            arena.deallocate(); keyStarts.deallocate(); values.deallocate(); slots.deallocate(); tags.deallocate()
        }
    }

    private var owner: Owner
    private var arena: UnsafeMutablePointer<UInt8>
    private var keyStarts: UnsafeMutablePointer<Int32>
    private var values: UnsafeMutablePointer<Int32>
    private var slots: UnsafeMutablePointer<Int32>
    private var tags: UnsafeMutablePointer<UInt32>
    private var mask: Int
    private var arenaCount = 0
    private(set) var count = 0
    /// The longest key, in bytes (a WordPiece search never needs to try longer slices).
    private(set) var maxKeyLength = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        owner = Owner(entries: capacity, arenaBytes: capacity * 8, slots: size)
        arena = owner.arena; keyStarts = owner.keyStarts; values = owner.values
        slots = owner.slots; tags = owner.tags
        mask = size - 1
    }

    private mutating func refreshPointers() {
        arena = owner.arena; keyStarts = owner.keyStarts; values = owner.values
        slots = owner.slots; tags = owner.tags
        mask = owner.slotCount - 1
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
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[s])
            if k == 0 { return -1 }
            if tags[s] == tag {
                let start = Int(keyStarts[k - 1]), end = Int(keyStarts[k])
                if end - start == n && (n == 0 || memcmp(arena + start, p, n) == 0) { return values[k - 1] }
            }
            s = (s + 1) & mask
        }
    }

    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let base = bytes.baseAddress else {
            var empty: UInt8 = 0
            return withUnsafePointer(to: &empty) { find($0, 0) }
        }
        return find(base, bytes.count)
    }

    func find(_ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { find($0) }
    }

    /// Inserts or overwrites.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: Int32) {
        if !isKnownUniquelyReferenced(&owner) {
            owner = owner.copy(count: count, arenaCount: arenaCount)
            refreshPointers()
        }
        if (count + 1) * 2 > mask + 1 { grow() }
        var empty: UInt8 = 0
        let n = key.count
        withUnsafeMutablePointer(to: &empty) { emptyPointer in
            let p = key.baseAddress ?? UnsafePointer(emptyPointer)
            let h = ByteStringTable.hash(p, n)
            let tag = UInt32(truncatingIfNeeded: h >> 32)
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let k = Int(slots[s])
                if k == 0 { break }
                if tags[s] == tag {
                    let start = Int(keyStarts[k - 1]), end = Int(keyStarts[k])
                    if end - start == n && (n == 0 || memcmp(arena + start, p, n) == 0) {
                        values[k - 1] = value
                        return
                    }
                }
                s = (s + 1) & mask
            }
            if count == owner.entryCapacity {
                let capacity = owner.entryCapacity * 2
                let starts = UnsafeMutablePointer<Int32>.allocate(capacity: capacity + 1)
                starts.update(from: keyStarts, count: count + 1)
                let vals = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
                vals.update(from: values, count: count)
                owner.keyStarts.deallocate(); owner.values.deallocate()
                owner.keyStarts = starts; owner.values = vals; owner.entryCapacity = capacity
                refreshPointers()
            }
            if arenaCount + n > owner.arenaCapacity {
                var capacity = owner.arenaCapacity * 2
                while capacity < arenaCount + n { capacity *= 2 }
                let a = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                a.update(from: arena, count: arenaCount)
                owner.arena.deallocate()
                owner.arena = a; owner.arenaCapacity = capacity
                refreshPointers()
            }
            if n > 0 { (arena + arenaCount).update(from: p, count: n) }
            arenaCount += n
            keyStarts[count + 1] = Int32(arenaCount)
            values[count] = value
            count += 1
            slots[s] = Int32(count)
            tags[s] = tag
            maxKeyLength = max(maxKeyLength, n)
        }
    }

    mutating func insert(_ key: String, _ value: Int32) {
        var key = key
        key.withUTF8 { insert($0, value) }
    }

    /// The key of entry `k` (insertion order).
    func key(at k: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + Int(keyStarts[k]), count: Int(keyStarts[k + 1] - keyStarts[k]))
    }

    func value(at k: Int) -> Int32 { values[k] }

    mutating func setValue(at k: Int, _ value: Int32) {
        if !isKnownUniquelyReferenced(&owner) {
            owner = owner.copy(count: count, arenaCount: arenaCount)
            refreshPointers()
        }
        values[k] = value
    }

    private mutating func grow() {
        let size = (mask + 1) * 2
        let newSlots = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        newSlots.initialize(repeating: 0, count: size)
        let newTags = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        newTags.initialize(repeating: 0, count: size)
        let newMask = size - 1
        for k in 0..<count {
            let start = Int(keyStarts[k]), end = Int(keyStarts[k + 1])
            let h = ByteStringTable.hash(arena + start, end - start)
            var s = Int(truncatingIfNeeded: h) & newMask
            while newSlots[s] != 0 { s = (s + 1) & newMask }
            newSlots[s] = Int32(k + 1)
            newTags[s] = UInt32(truncatingIfNeeded: h >> 32)
        }
        owner.slots.deallocate(); owner.tags.deallocate()
        owner.slots = newSlots; owner.tags = newTags; owner.slotCount = size
        refreshPointers()
    }
}

/// A hash table from pairs of token ids to a merge (its rank and the id it makes), for BPE. Built
/// once; raw storage owned by a class, pointers in the struct (no reference counting on look-up).
struct MergeTable: @unchecked Sendable {
    private final class Owner {
        let keys: UnsafeMutablePointer<UInt64>
        let entries: UnsafeMutablePointer<(rank: Int32, result: Int32)>
        init(size: Int) {
            keys = .allocate(capacity: size)
            keys.initialize(repeating: MergeTable.emptyKey, count: size)
            entries = .allocate(capacity: size)
            entries.initialize(repeating: (0, 0), count: size)
        }
        deinit { keys.deallocate(); entries.deallocate() }
    }
    private let owner: Owner
    private let keys: UnsafeMutablePointer<UInt64>
    private let entries: UnsafeMutablePointer<(rank: Int32, result: Int32)>
    private let mask: Int
    fileprivate static let emptyKey = UInt64.max
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        owner = Owner(size: size)
        keys = owner.keys
        entries = owner.entries
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    /// Adds or replaces the merge of a pair (a pair listed twice keeps its last rank, as HF's map).
    /// Only while building: the table never grows past its capacity.
    mutating func set(_ a: Int32, _ b: Int32, rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
        var s = MergeTable.slot(key, mask)
        while keys[s] != MergeTable.emptyKey && keys[s] != key { s = (s + 1) & mask }
        if keys[s] == MergeTable.emptyKey { count += 1 }
        keys[s] = key
        entries[s] = (rank, result)
    }

    /// The merge of a pair: (rank, result id), or rank -1.
    @inline(__always)
    func find(_ a: Int32, _ b: Int32) -> (rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
        var s = MergeTable.slot(key, mask)
        while true {
            let found = keys[s]
            if found == key { return entries[s] }
            if found == MergeTable.emptyKey { return (-1, -1) }
            s = (s + 1) & mask
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
