/// The buffer behind one or more tensors (a reshaped tensor shares its source's storage).
///
/// Owned storage comes from `StorageCache` and goes back to it on deinit. External storage points
/// into memory another object keeps alive (a memory-mapped safetensors file) and copies nothing.
public final class TensorStorage: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Float>
    /// Elements available from `base`.
    public let capacity: Int
    private let sizeClass: Int
    private let owner: AnyObject?

    /// Uninitialized owned storage for `count` floats.
    public init(uninitializedCount count: Int) {
        (base, sizeClass) = StorageCache.shared.allocate(floats: count)
        capacity = count
        owner = nil
    }

    /// Storage over memory that `owner` keeps alive; nothing is copied or freed.
    public init(external base: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        self.base = base
        self.capacity = count
        self.sizeClass = -1
        self.owner = owner
    }

    deinit {
        if owner == nil { StorageCache.shared.release(base, sizeClass: sizeClass) }
    }
}
