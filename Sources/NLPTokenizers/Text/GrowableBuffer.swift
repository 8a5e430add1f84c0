/// A raw, growable buffer for the hot loops that write element by element (Array.append checks
/// uniqueness and capacity on every call). Owned by one thread's scratch space.
final class GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more elements (the base pointer may move).
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        (base, capacity) = reallocated(base, count: count, capacity: capacity, toHold: needed)
    }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}

/// A new allocation of at least `needed` elements (the capacity doubled until it fits) holding the
/// `count` elements moved from `base`, which is freed; the growth step of the hand-managed buffers.
func reallocated<Element>(_ base: UnsafeMutablePointer<Element>, count: Int, capacity: Int,
                          toHold needed: Int) -> (UnsafeMutablePointer<Element>, Int) {
    var c = Swift.max(1, capacity) * 2
    while c < needed { c *= 2 }
    let b = UnsafeMutablePointer<Element>.allocate(capacity: c)
    b.moveInitialize(from: base, count: count)
    base.deallocate()
    return (b, c)
}
