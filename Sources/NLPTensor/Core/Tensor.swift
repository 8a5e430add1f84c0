/// A Float32 tensor: row-major, contiguous, any rank, in aligned storage from `StorageCache`.
///
/// A tensor is a reference: ops return new tensors and never change their inputs. `reshaped` and
/// contiguous slices are views that share storage (writing through one shows in the other).
/// A tensor with `requiresGrad` that no op produced is a leaf (a parameter); ops on tensors that
/// require a gradient record an `AutogradNode` unless inside `noGrad { }`, and `backward()` fills
/// the `grad` of every leaf that requires one.
public final class Tensor {
    /// Size of each dimension, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// Number of elements (product of `shape`).
    public let count: Int
    /// The buffer holding the elements, shared by views.
    public let storage: TensorStorage
    /// Index of the first element in `storage`.
    public let offset: Int

    /// Whether gradients flow to this tensor (set it on parameters; ops set it on their outputs).
    public var requiresGrad: Bool
    /// The gradient accumulated by `backward()` (leaves keep it; intermediates drop it after use
    /// unless `retainsGrad`). Set it to nil to start a new accumulation.
    public var grad: Tensor? {
        get { gradient }
        set { gradient = newValue; gradIsShared = false }
    }
    /// A name for parameters: the path under which a model saves it (`encoder.layer.0.…weight`).
    public var name: String?
    /// Keep `grad` on this intermediate tensor after `backward()` (for inspection and tests).
    public var retainsGrad = false

    /// The op that produced this tensor, while the graph is alive.
    public internal(set) var node: AutogradNode?
    var gradient: Tensor?
    /// `gradient` is also referenced elsewhere (adopted without a copy): copy before adding to it.
    var gradIsShared = false
    /// Set once `backward()` has freed `node`; a second backward through it is an error.
    var graphReleased = false
    /// Visit stamp of the topological sort in `backward()`.
    var visitStamp: UInt32 = 0

    /// A tensor over `count(shape)` elements of `storage` starting at `offset` (no copy).
    public init(shape: [Int], storage: TensorStorage, offset: Int = 0, requiresGrad: Bool = false) {
        let n = Shape.count(of: shape)
        precondition(offset >= 0 && offset + n <= storage.capacity,
                     "tensor of shape \(shape) at offset \(offset) does not fit a storage of \(storage.capacity) elements")
        self.shape = shape
        self.count = n
        self.storage = storage
        self.offset = offset
        self.requiresGrad = requiresGrad
    }

    /// A tensor whose elements are not initialized (kernels that write every element use this).
    public convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(of: shape)))
    }

    /// A tensor holding `scalars` in row-major order.
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        precondition(Shape.count(of: shape) == scalars.count,
                     "\(scalars.count) scalars do not fill shape \(shape)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
        self.requiresGrad = requiresGrad
    }

    /// A tensor with every element equal to `value`.
    public convenience init(shape: [Int], repeating value: Float, requiresGrad: Bool = false) {
        self.init(uninitializedShape: shape)
        data.update(repeating: value, count: count)
        self.requiresGrad = requiresGrad
    }

    /// A rank-0 tensor.
    public convenience init(_ value: Float) {
        self.init(shape: [], repeating: value)
    }

    /// A tensor whose elements `initializer` writes (it gets the whole uninitialized buffer).
    public convenience init(shape: [Int], initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        self.init(uninitializedShape: shape)
        initializer(UnsafeMutableBufferPointer(start: data, count: count))
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 0, requiresGrad: requiresGrad)
    }

    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 1, requiresGrad: requiresGrad)
    }

    /// The first element. Valid while the tensor (and so its storage) is alive.
    @inline(__always)
    public var data: UnsafeMutablePointer<Float> { storage.base + offset }

    public var rank: Int { shape.count }

    /// The elements, copied into an array (for tests and small results, not for hot loops).
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The only element of a one-element tensor (a loss, a norm).
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor of shape \(shape)")
        return data.pointee
    }

    /// The element at `indices` (one per dimension; slow, for tests and debugging).
    public subscript(indices: Int...) -> Float {
        get { data[Shape.flatIndex(indices, in: shape)] }
        set { data[Shape.flatIndex(indices, in: shape)] = newValue }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: data, count: count))
    }

    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: data, count: count))
    }

    /// The same elements with no graph behind them (shares storage).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, offset: offset)
    }

    /// A copy in new storage, with no graph.
    public func copy() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        out.data.update(from: data, count: count)
        return out
    }

    /// Overwrites the elements with those of `source` (same element count), outside the graph.
    public func assign(_ source: Tensor) {
        precondition(source.count == count, "assign \(source.shape) to \(shape)")
        data.update(from: source.data, count: count)
    }

    /// Size of dimension `axis` (negative counts from the end).
    public func size(_ axis: Int) -> Int { shape[Shape.normalize(axis: axis, rank: rank)] }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(\(shape)\(name.map { " \($0)" } ?? ""): [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
