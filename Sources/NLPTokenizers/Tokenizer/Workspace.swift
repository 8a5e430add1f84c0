#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The buffers one encode call works in (text, pieces, tokens), kept by the thread between calls
/// for their capacity.
final class Scratch {
    var normalized = NormalizedString()
    var original = NormalizedString()
    var text = PreTokenizedString()
    let modelTokens = TokenBuffer()
    var addedMatches: [AddedTokenMatch] = []
    let first = RawSequence()
    let second = RawSequence()
    /// This thread's copy of the last tokenizer's token source (encodings made on this thread
    /// reference it, so threads do not contend on one reference count).
    private var sourceOriginal: TokenSource?
    private var sourceCopy: TokenSource?

    func tokenSource(for original: TokenSource) -> TokenSource {
        if sourceOriginal === original, let copy = sourceCopy { return copy }
        let copy = TokenSource(model: original.model, added: original.added)
        sourceOriginal = original
        sourceCopy = copy
        return copy
    }

    let normalizedBytes = GrowableBuffer<UInt8>(capacity: 4096)
    let normalizedAlignments = GrowableBuffer<Alignment>(capacity: 4096)
}

/// Per-thread scratch memory for encoding (the `Scratch` buffers, BPE scratch and word caches), so
/// that a shared, immutable tokenizer encodes on many threads at once without locks and without
/// allocating per call once the buffers have grown.
final class Workspace {
    let scratch = Scratch()
    private var inUse = false
    /// The word caches of the BPE models this thread used lately (keyed by `BPE.serial`, never
    /// reused, so a freed model's cache is never taken for a new one's; at most 8 are kept).
    private var caches: [BPECache] = []

    /// The BPE word cache of `model` on this thread.
    func cache(for model: BPE) -> BPECache {
        let serial = model.serial
        if let k = caches.firstIndex(where: { $0.model == serial }) {
            let cache = caches.remove(at: k)
            caches.append(cache)
            return cache
        }
        let cache = BPECache(model: serial)
        if caches.count >= 8 { caches.removeFirst() }
        caches.append(cache)
        return cache
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<Workspace>.fromOpaque(pointer).release()
        }
        return key
    }()

    /// This thread's workspace.
    static var current: Workspace {
        if let p = pthread_getspecific(key) { return Unmanaged<Workspace>.fromOpaque(p).takeUnretainedValue() }
        let w = Workspace()
        pthread_setspecific(key, Unmanaged.passRetained(w).toOpaque())
        return w
    }

    /// Runs `body` with this thread's scratch buffers (fresh ones if they are already in use: a
    /// component that encodes from inside an encode).
    @inline(__always)
    static func with<R>(_ body: (Scratch) -> R) -> R {
        let w = current
        if w.inUse { return body(Scratch()) }
        w.inUse = true
        defer { w.inUse = false }
        return body(w.scratch)
    }
}
