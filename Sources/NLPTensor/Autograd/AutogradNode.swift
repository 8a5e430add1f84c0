/// How an op records its backward (define-by-run).
///
/// An op computes its output, then — if `Tensor.isRecording(inputs…)` — calls
/// `output.record("name", inputs: [...]) { output, gradient in … }`. During `backward()` the closure
/// receives the output tensor and its gradient and adds each input's gradient with
/// `input.accumulateGrad(_:owned:)` or `input.updateGrad { pointer, accumulate in … }`, skipping
/// inputs whose `requiresGrad` is false. The closure must capture the inputs and whatever it saved,
/// never the output (that would be a reference cycle); the output is passed in.
public final class AutogradNode {
    /// The op's name, for debugging (a static string: recording does no string work).
    public let op: StaticString
    /// The tensors this node sends gradients to.
    public let inputs: [Tensor]
    let backward: (_ output: Tensor, _ gradient: Tensor) -> Void

    init(op: StaticString, inputs: [Tensor], backward: @escaping (Tensor, Tensor) -> Void) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record the graph. `noGrad { }` turns it off for the duration of its body.
public enum GradMode {
    nonisolated(unsafe) static var enabled = true

    /// False inside `noGrad { }` (process-wide: do not train on another thread meanwhile).
    public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording any op: outputs have no graph and require no gradient.
public func noGrad<T>(_ body: () throws -> T) rethrows -> T {
    let before = GradMode.enabled
    GradMode.enabled = false
    defer { GradMode.enabled = before }
    return try body()
}

extension Tensor {
    /// Whether an op on these inputs must record a node.
    @inline(__always)
    public static func isRecording(_ a: Tensor) -> Bool {
        GradMode.enabled && a.requiresGrad
    }

    @inline(__always)
    public static func isRecording(_ a: Tensor, _ b: Tensor) -> Bool {
        GradMode.enabled && (a.requiresGrad || b.requiresGrad)
    }

    @inline(__always)
    public static func isRecording(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Bool {
        GradMode.enabled && (a.requiresGrad || b.requiresGrad || c.requiresGrad)
    }

    public static func isRecording(_ tensors: [Tensor]) -> Bool {
        GradMode.enabled && tensors.contains { $0.requiresGrad }
    }

    /// Marks `self` as computed by `op` from `inputs`; see `AutogradNode` for the contract.
    public func record(_ op: StaticString, inputs: [Tensor],
                       backward: @escaping (_ output: Tensor, _ gradient: Tensor) -> Void) {
        requiresGrad = true
        node = AutogradNode(op: op, inputs: inputs, backward: backward)
    }

    /// Adds `gradient` (same element count as self) to `grad`. Pass `owned: true` when nobody else
    /// holds `gradient`: the first gradient is then adopted without a copy.
    public func accumulateGrad(_ gradient: Tensor, owned: Bool) {
        precondition(gradient.count == count, "gradient of shape \(gradient.shape) for a tensor of shape \(shape)")
        guard let existing = self.gradient else {
            self.gradient = gradient.shape == shape
                ? gradient : Tensor(shape: shape, storage: gradient.storage, offset: gradient.offset)
            gradIsShared = !owned
            return
        }
        let target = unsharedGradient(existing)
        Kernels.add(gradient.data, into: target.data, count: count)
    }

    /// Calls `body(pointer, accumulate)` on this tensor's gradient buffer. When `accumulate` is
    /// false the buffer is new and uninitialized and the kernel must write every element; when
    /// true it must add to what is there. (sgemm: beta = accumulate ? 1 : 0.)
    public func updateGrad(_ body: (_ gradient: UnsafeMutablePointer<Float>, _ accumulate: Bool) -> Void) {
        if let existing = gradient {
            body(unsharedGradient(existing).data, true)
        } else {
            let fresh = Tensor(uninitializedShape: shape)
            body(fresh.data, false)
            gradient = fresh
            gradIsShared = false
        }
    }

    /// Whether `g`, handed to this tensor's backward closure, is this tensor's own gradient buffer
    /// that no other tensor shares and nobody reads after the closure: the closure may then give it
    /// on with `accumulateGrad(g, owned: true)` or overwrite it (`updateGrad(overwriting:of:)`).
    public func ownsGradientExclusively(_ g: Tensor) -> Bool {
        gradient === g && !gradIsShared && !retainsGrad
    }

    /// `updateGrad` for an elementwise backward from `output`'s gradient `g` (same element count as
    /// self). When self has no gradient yet and `output` owns `g` exclusively, `body` gets g's own
    /// buffer to overwrite in place (the pointer is `g.data`: each element is read before it is
    /// written) and self adopts it: no new buffer, and one still warm in cache.
    public func updateGrad(overwriting g: Tensor, of output: Tensor,
                           _ body: (_ gradient: UnsafeMutablePointer<Float>, _ accumulate: Bool) -> Void) {
        guard gradient == nil, g.count == count, output.ownsGradientExclusively(g) else {
            updateGrad(body)
            return
        }
        body(g.data, false)
        accumulateGrad(g, owned: true)
    }

    /// The gradient buffer zero-filled if it is new (for scatter-style backward kernels).
    public func zeroFilledGrad() -> UnsafeMutablePointer<Float> {
        if let existing = gradient { return unsharedGradient(existing).data }
        let fresh = Tensor.zeros(shape)
        gradient = fresh
        gradIsShared = false
        return fresh.data
    }

    private func unsharedGradient(_ existing: Tensor) -> Tensor {
        guard gradIsShared else { return existing }
        let own = existing.copy()
        gradient = own.shape == shape ? own : Tensor(shape: shape, storage: own.storage)
        gradIsShared = false
        return gradient!
    }
}
