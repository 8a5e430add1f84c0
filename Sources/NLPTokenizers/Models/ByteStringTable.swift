/// A hash table from byte strings to Int32 values, looked up straight from a byte slice (no String is
/// made): vocabularies keyed by token text. Open addressing over 16-byte slots that hold the key's
/// first bytes: a key of up to 7 bytes is compared inside its slot (one cache line per look-up);
/// longer keys are checked against the key arena.
///
/// The storage is raw memory owned by a class (copied on write), and the struct holds the pointers,
/// so a look-up touches no reference count.
struct ByteStringTable: @unchecked Sendable {
    struct Slot {
        /// Short keys: the bytes, zero padded, with the length in the top byte. Long keys: the first
        /// 8 bytes.
        var word: UInt64
        var value: Int32
        /// 0 = empty; else key index + 1, with bit 31 set for keys longer than 7 bytes.
        var entry: UInt32
    }
    private static let longBit: UInt32 = 1 << 31

    private final class Owner {
        var arena: UnsafeMutablePointer<UInt8>
        var arenaCapacity: Int
        var keyStarts: UnsafeMutablePointer<Int32>
        var entryCapacity: Int
        var slots: UnsafeMutablePointer<Slot>
        var slotCount: Int

        init(entries: Int, arenaBytes: Int, slots slotCount: Int) {
            arenaCapacity = max(16, arenaBytes)
            arena = .allocate(capacity: arenaCapacity)
            entryCapacity = max(16, entries)
            keyStarts = .allocate(capacity: entryCapacity + 1)
            keyStarts[0] = 0
            self.slotCount = slotCount
            slots = .allocate(capacity: slotCount)
            slots.initialize(repeating: Slot(word: 0, value: 0, entry: 0), count: slotCount)
        }

        func copy(count: Int, arenaCount: Int) -> Owner {
            let o = Owner(entries: entryCapacity, arenaBytes: arenaCapacity, slots: slotCount)
            o.arena.update(from: arena, count: arenaCount)
            o.keyStarts.update(from: keyStarts, count: count + 1)
            o.slots.update(from: slots, count: slotCount)
            return o
        }

        deinit {
            arena.deallocate(); keyStarts.deallocate(); slots.deallocate()
        }
    }

    private var owner: Owner
    private var arena: UnsafeMutablePointer<UInt8>
    private var keyStarts: UnsafeMutablePointer<Int32>
    private var slots: UnsafeMutablePointer<Slot>
    private var mask: Int
    private var arenaCount = 0
    private(set) var count = 0
    /// The longest key, in bytes (a WordPiece search never needs to try longer slices).
    private(set) var maxKeyLength = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        owner = Owner(entries: capacity, arenaBytes: capacity * 8, slots: size)
        arena = owner.arena; keyStarts = owner.keyStarts; slots = owner.slots
        mask = size - 1
    }

    private mutating func refreshPointers() {
        arena = owner.arena; keyStarts = owner.keyStarts; slots = owner.slots
        mask = owner.slotCount - 1
    }

    /// The slot word of a key and its hash.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>, _ n: Int) -> (word: UInt64, hash: UInt64) {
        if n < 8 {
            var w = UInt64(n) << 56
            var shift: UInt64 = 0
            for i in 0..<n { w |= UInt64(p[i]) << shift; shift += 8 }
            var h = w &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 31
            return (w, h &* 0xBF58_476D_1CE4_E5B9)
        }
        let raw = UnsafeRawPointer(p)
        let first = raw.loadUnaligned(as: UInt64.self)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            // The last 8 bytes (overlapping the previous chunk): no byte-by-byte tail.
            h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 31
        return (first, h &* 0xBF58_476D_1CE4_E5B9)
    }

    /// The value of a key, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let (w, h) = ByteStringTable.word(p, n)
        var s = Int(truncatingIfNeeded: h) & mask
        if n < 8 {
            while true {
                let slot = slots[s]
                if slot.entry == 0 { return -1 }
                if slot.word == w && slot.entry & ByteStringTable.longBit == 0 { return slot.value }
                s = (s + 1) & mask
            }
        }
        while true {
            let slot = slots[s]
            if slot.entry == 0 { return -1 }
            if slot.word == w && slot.entry & ByteStringTable.longBit != 0 {
                let k = Int(slot.entry & ~ByteStringTable.longBit) - 1
                let start = Int(keyStarts[k]), end = Int(keyStarts[k + 1])
                if end - start == n && memcmp(arena + start, p, n) == 0 { return slot.value }
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
            let (w, h) = ByteStringTable.word(p, n)
            let long = n >= 8
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let slot = slots[s]
                if slot.entry == 0 { break }
                if slot.word == w && (slot.entry & ByteStringTable.longBit != 0) == long {
                    let k = Int(slot.entry & ~ByteStringTable.longBit) - 1
                    let start = Int(keyStarts[k]), end = Int(keyStarts[k + 1])
                    if end - start == n && (n == 0 || memcmp(arena + start, p, n) == 0) {
                        slots[s].value = value
                        return
                    }
                }
                s = (s + 1) & mask
            }
            if count == owner.entryCapacity {
                let capacity = owner.entryCapacity * 2
                let starts = UnsafeMutablePointer<Int32>.allocate(capacity: capacity + 1)
                starts.update(from: keyStarts, count: count + 1)
                owner.keyStarts.deallocate()
                owner.keyStarts = starts; owner.entryCapacity = capacity
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
            count += 1
            slots[s] = Slot(word: w, value: value, entry: UInt32(count) | (long ? ByteStringTable.longBit : 0))
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

    private mutating func grow() {
        let size = (mask + 1) * 2
        let newSlots = UnsafeMutablePointer<Slot>.allocate(capacity: size)
        newSlots.initialize(repeating: Slot(word: 0, value: 0, entry: 0), count: size)
        let newMask = size - 1
        for old in 0...mask {
            let slot = slots[old]
            if slot.entry == 0 { continue }
            let k = Int(slot.entry & ~ByteStringTable.longBit) - 1
            let start = Int(keyStarts[k]), end = Int(keyStarts[k + 1])
            let (_, h) = ByteStringTable.word(arena + start, end - start)
            var s = Int(truncatingIfNeeded: h) & newMask
            while newSlots[s].entry != 0 { s = (s + 1) & newMask }
            newSlots[s] = slot
        }
        owner.slots.deallocate()
        owner.slots = newSlots; owner.slotCount = size
        refreshPointers()
    }
}

/// A hash table from pairs of token ids to a merge (its rank and the id it makes), for BPE. Built
/// once; 16-byte slots (key, rank, result: one cache line per look-up), raw storage owned by a
/// class, pointers in the struct (no reference counting on look-up).
struct MergeTable: @unchecked Sendable {
    struct Slot {
        var key: UInt64
        var rank: Int32
        var result: Int32
    }
    private final class Owner {
        let slots: UnsafeMutablePointer<Slot>
        init(size: Int) {
            slots = .allocate(capacity: size)
            slots.initialize(repeating: Slot(key: MergeTable.emptyKey, rank: 0, result: 0), count: size)
        }
        deinit { slots.deallocate() }
    }
    private let owner: Owner
    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int
    fileprivate static let emptyKey = UInt64.max
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        owner = Owner(size: size)
        slots = owner.slots
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
        while slots[s].key != MergeTable.emptyKey && slots[s].key != key { s = (s + 1) & mask }
        if slots[s].key == MergeTable.emptyKey { count += 1 }
        slots[s] = Slot(key: key, rank: rank, result: result)
    }

    /// The merge of a pair: (rank, result id), or rank -1.
    @inline(__always)
    func find(_ a: Int32, _ b: Int32) -> (rank: Int32, result: Int32) {
        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
        var s = MergeTable.slot(key, mask)
        while true {
            let slot = slots[s]
            if slot.key == key { return (slot.rank, slot.result) }
            if slot.key == MergeTable.emptyKey { return (-1, -1) }
            s = (s + 1) & mask
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
