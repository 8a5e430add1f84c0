/// A double-array trie (Aoe, 1989) over dense symbol codes 1…N: the child of `node` by `code` is
/// `base[node] + code` when `check` of that slot names `node`. One lookup is two array reads, so a walk
/// over a sentence costs a few nanoseconds a character and allocates nothing.
struct DoubleArrayTrie {
    private(set) var base: [Int32]
    private(set) var check: [Int32]
    /// The key index ending at each slot, or -1.
    private(set) var value: [Int32]

    static let root: Int32 = 0

    /// Builds the trie of `keys` (code sequences, codes ≥ 1); `value` of a key's node is its index.
    /// Duplicate keys keep the last index.
    init(keys: [[Int32]]) {
        base = [0]
        check = [-2]
        value = [-1]
        let order = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
        var builder = Builder(trie: self, keys: keys, order: order)
        builder.build(node: 0, range: 0..<order.count, depth: 0)
        self = builder.trie
        let used = (check.lastIndex { $0 != -1 } ?? 0) + 1
        base.removeLast(base.count - used)
        check.removeLast(check.count - used)
        value.removeLast(value.count - used)
        // Slack so that `base + code` of any code stays in bounds without a second comparison.
        let slack = Int(builder.maxCode) + 1
        base.append(contentsOf: repeatElement(0, count: slack))
        check.append(contentsOf: repeatElement(-1, count: slack))
        value.append(contentsOf: repeatElement(-1, count: slack))
    }

    /// The child of `node` along `code`, or -1.
    @inline(__always)
    func child(_ node: Int32, _ code: Int32) -> Int32 {
        let slot = Int(base[Int(node)] &+ code)
        return slot < check.count && check[slot] == node ? Int32(slot) : -1
    }

    /// The node reached by `codes` from the root, or -1.
    func node(for codes: some Sequence<Int32>) -> Int32 {
        var node = Self.root
        for code in codes {
            node = child(node, code)
            if node < 0 { return -1 }
        }
        return node
    }

    /// Places nodes first-fit, trying base positions from a list of free slots; a free slot that has
    /// failed as the first child slot many times leaves the list (it stays free for later fits).
    private struct Builder {
        var trie: DoubleArrayTrie
        let keys: [[Int32]]
        let order: [Int]
        var maxCode: Int32 = 0
        /// Candidate free slots, a doubly linked list (-1 ends it).
        var nextFree: [Int32] = []
        var previousFree: [Int32] = []
        var failures: [UInt8] = []
        var head: Int32 = -1
        var tail: Int32 = -1

        init(trie: DoubleArrayTrie, keys: [[Int32]], order: [Int]) {
            self.trie = trie
            self.keys = keys
            self.order = order
        }

        mutating func ensure(_ size: Int) {
            let old = trie.check.count
            if size <= old { return }
            let grown = max(size, old * 2, 1024)
            trie.base.append(contentsOf: repeatElement(0, count: grown - old))
            trie.check.append(contentsOf: repeatElement(-1, count: grown - old))
            trie.value.append(contentsOf: repeatElement(-1, count: grown - old))
            nextFree.append(contentsOf: repeatElement(-1, count: grown - nextFree.count))
            previousFree.append(contentsOf: repeatElement(-1, count: grown - previousFree.count))
            failures.append(contentsOf: repeatElement(0, count: grown - failures.count))
            for slot in max(old, 1)..<grown { append(Int32(slot)) }
        }

        private mutating func append(_ slot: Int32) {
            previousFree[Int(slot)] = tail
            nextFree[Int(slot)] = -1
            if tail >= 0 { nextFree[Int(tail)] = slot } else { head = slot }
            tail = slot
        }

        private mutating func unlink(_ slot: Int32) {
            let p = previousFree[Int(slot)], n = nextFree[Int(slot)]
            if p >= 0 { nextFree[Int(p)] = n } else if head == slot { head = n } else { return }
            if n >= 0 { previousFree[Int(n)] = p } else { tail = p }
            previousFree[Int(slot)] = -1
            nextFree[Int(slot)] = -1
        }

        private mutating func occupy(_ slot: Int, parent: Int) {
            trie.check[slot] = Int32(parent)
            unlink(Int32(slot))
        }

        mutating func build(node: Int, range: Range<Int>, depth: Int) {
            // Keys that end here, then the groups of keys by their code at `depth`.
            var lo = range.lowerBound
            while lo < range.upperBound && keys[order[lo]].count == depth {
                trie.value[node] = Int32(order[lo])
                lo += 1
            }
            if lo == range.upperBound { return }
            var codes: [Int32] = []
            var groups: [Range<Int>] = []
            var i = lo
            while i < range.upperBound {
                let code = keys[order[i]][depth]
                var j = i + 1
                while j < range.upperBound && keys[order[j]][depth] == code { j += 1 }
                codes.append(code)
                groups.append(i..<j)
                i = j
            }
            maxCode = max(maxCode, codes.last!)
            let b = findBase(codes)
            trie.base[node] = Int32(b)
            for code in codes { occupy(b + Int(code), parent: node) }
            for (code, group) in zip(codes, groups) {
                build(node: b + Int(code), range: group, depth: depth + 1)
            }
        }

        private mutating func findBase(_ codes: [Int32]) -> Int {
            ensure(Int(codes.last!) + 2)
            var slot = head
            while true {
                if slot < 0 {
                    ensure(trie.check.count + Int(codes.last!) + 1)
                    slot = head
                    continue
                }
                let b = Int(slot) - Int(codes[0])
                let following = nextFree[Int(slot)]
                if b >= 1 {
                    ensure(b + Int(codes.last!) + 1)
                    var fits = true
                    for code in codes.dropFirst() where trie.check[b + Int(code)] != -1 {
                        fits = false
                        break
                    }
                    if fits { return b }
                    failures[Int(slot)] &+= 1
                    if failures[Int(slot)] >= 16 { unlink(slot) }
                }
                slot = following
            }
        }
    }
}

/// Dense codes for the scalars (and unit symbols) a dictionary knows; 0 for every other one.
struct SegmenterAlphabet {
    private var basic: [Int32]
    private var other: [UInt32: Int32] = [:]
    private(set) var count: Int32 = 0

    init() { basic = [Int32](repeating: 0, count: 0x10000) }

    /// The code of `scalar`, adding it if new.
    mutating func add(_ scalar: UInt32) -> Int32 {
        let known = code(scalar)
        if known != 0 { return known }
        count += 1
        if scalar < 0x10000 { basic[Int(scalar)] = count } else { other[scalar] = count }
        return count
    }

    @inline(__always)
    func code(_ scalar: UInt32) -> Int32 {
        scalar < 0x10000 ? basic[Int(scalar)] : (other[scalar] ?? 0)
    }

    /// Runs `body` with a pointer to the basic-plane table, for hot loops.
    func withBasicTable<R>(_ body: (UnsafePointer<Int32>) throws -> R) rethrows -> R {
        try basic.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
