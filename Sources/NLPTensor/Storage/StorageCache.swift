import Foundation

/// A size-bucketed caching allocator for tensor storage.
///
/// Training runs the same shapes every step; a fresh `malloc` of a large buffer is an `mmap` whose
/// pages fault in on first touch, which costs more than the kernel that writes them. Freed buffers
/// therefore go back to a free list of their size class and are handed out again. Size classes are
/// four per power of two, so at most a quarter of a buffer is slack. Buffers are 64-byte aligned.
///
/// The cache holds at most `limitBytes` of idle buffers (beyond that, freed buffers go back to the
/// system); `trim()` releases every idle buffer. Thread-safe.
public final class StorageCache: @unchecked Sendable {
    /// The allocator every tensor uses.
    public static let shared = StorageCache()

    /// Bytes of idle buffers the cache may keep (default 4 GiB, or a quarter of RAM if smaller).
    public var limitBytes: Int {
        get { lock.withLock { limit } }
        set { lock.withLock { limit = max(0, newValue) }; if idleBytes > newValue { trim(to: newValue) } }
    }
    /// Bytes currently handed out to live storages.
    public var bytesInUse: Int { lock.withLock { inUse } }
    /// Bytes kept in the free lists.
    public var idleBytes: Int { lock.withLock { idle } }

    private let lock = NSLock()
    private var freeLists: [[UnsafeMutableRawPointer]]
    private var limit: Int
    private var inUse = 0
    private var idle = 0
    static let alignment = 64
    static let hugePageBytes = 2 << 20
    static let classCount = 4 * 48

    private init() {
        freeLists = Array(repeating: [], count: Self.classCount)
        let quarterOfRAM = Int(ProcessInfo.processInfo.physicalMemory / 4)
        limit = min(4 << 30, quarterOfRAM)
    }

    /// The size class of a request of `bytes` (> 0): classes are 64 B, then four per power of two.
    @inline(__always)
    static func sizeClass(forBytes bytes: Int) -> Int {
        if bytes <= 64 { return 0 }
        let n = bytes - 1
        let log = (Int.bitWidth - 1) - n.leadingZeroBitCount     // floor(log2(n)) ≥ 6
        let quarter = (n >> (log - 2)) & 3                       // next two bits below the top one
        return (log - 6) * 4 + quarter + 1
    }

    /// The byte size of a size class (the largest request that maps to it).
    @inline(__always)
    static func bytes(ofClass sizeClass: Int) -> Int {
        if sizeClass == 0 { return 64 }
        let c = sizeClass - 1
        let log = c / 4 + 6, quarter = c % 4
        return (1 << log) + (quarter + 1) << (log - 2)
    }

    /// A buffer for `count` floats and the size class it must be returned to.
    func allocate(floats count: Int) -> (UnsafeMutablePointer<Float>, Int) {
        let wanted = max(1, count) * MemoryLayout<Float>.stride
        let sizeClass = Self.sizeClass(forBytes: wanted)
        precondition(sizeClass < Self.classCount, "tensor of \(count) floats is too large to allocate")
        let size = Self.bytes(ofClass: sizeClass)
        let reused: UnsafeMutableRawPointer? = lock.withLock {
            inUse += size
            guard let p = freeLists[sizeClass].popLast() else { return nil }
            idle -= size
            return p
        }
        if let reused { return (reused.assumingMemoryBound(to: Float.self), sizeClass) }
        var raw: UnsafeMutableRawPointer?
        let alignment = size >= Self.hugePageBytes ? Self.hugePageBytes : Self.alignment
        if posix_memalign(&raw, alignment, size) != 0 || raw == nil {
            // Out of memory: give back what the cache holds and try once more.
            trim()
            guard posix_memalign(&raw, alignment, size) == 0, raw != nil else {
                fatalError("out of memory allocating a tensor of \(size) bytes")
            }
        }
        // Large buffers on 2 MB pages where the kernel allows it (THP "madvise"): a kernel that walks
        // one [rows, steps] buffer a time step at a time touches a page a row with 4 KB pages, and
        // the TLB misses cost more than the arithmetic (the recurrent layer's gate buffers).
        if size >= Self.hugePageBytes { _ = madvise(raw, size, Int32(MADV_HUGEPAGE)) }
        return (raw!.bindMemory(to: Float.self, capacity: size / MemoryLayout<Float>.stride), sizeClass)
    }

    /// Returns a buffer to its size class (or to the system when the cache is full).
    func release(_ pointer: UnsafeMutablePointer<Float>, sizeClass: Int) {
        let size = Self.bytes(ofClass: sizeClass)
        let kept: Bool = lock.withLock {
            inUse -= size
            guard idle + size <= limit else { return false }
            freeLists[sizeClass].append(UnsafeMutableRawPointer(pointer))
            idle += size
            return true
        }
        if !kept { free(pointer) }
    }

    /// Frees idle buffers, largest first, until at most `bytes` stay cached (default: all of them).
    public func trim(to bytes: Int = 0) {
        let released: [UnsafeMutableRawPointer] = lock.withLock {
            var out: [UnsafeMutableRawPointer] = []
            var c = Self.classCount - 1
            while idle > bytes && c >= 0 {
                while idle > bytes, let p = freeLists[c].popLast() {
                    out.append(p)
                    idle -= Self.bytes(ofClass: c)
                }
                c -= 1
            }
            return out
        }
        for p in released { free(p) }
    }
}
