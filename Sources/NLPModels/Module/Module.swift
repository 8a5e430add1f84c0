import NLPTensor

/// A layer or a model: it declares its parameters and sub-modules as stored properties, and their
/// checkpoint paths fall out of the property names (as in MLX): a `Tensor` property is a
/// parameter (or a buffer when it does not require a gradient), a `Module` property a child, an
/// array of modules numbered children (`layer.0`, `layer.1`, …), and optionals count when set.
/// A property whose Swift name cannot be the checkpoint key (Hugging Face's `LayerNorm`, `self`)
/// is renamed through `checkpointKeys`.
///
/// Parameters are created uninitialized; `resetParameters(using:)` fills them (each layer with its
/// PyTorch default, each architecture as its Hugging Face original does), and loading a checkpoint
/// overwrites them, so a model loaded from disk never pays for a random initialization.
open class Module {
    /// Whether dropout is active; `train()` and `eval()` set it on the whole tree.
    public var isTraining = true

    public init() {}

    /// Swift property name → checkpoint key, for the properties whose names differ.
    open var checkpointKeys: [String: String] { [:] }

    /// Fills this module's own parameters (not its children's) with their initial values.
    open func resetOwnParameters(using generator: RandomGenerator) {}

    /// Fills every parameter of the tree: children first, then this module (so a parent's scheme,
    /// such as BERT's normal(0, 0.02), has the last word).
    public func resetParameters(using generator: RandomGenerator) {
        for (_, child) in children() { child.resetParameters(using: generator) }
        resetOwnParameters(using: generator)
    }

    /// The direct children and tensors, by checkpoint key, in declaration order (from the stored
    /// properties; a module whose keys are computed, such as PyTorch's `weight_ih_l0`, overrides it).
    open func members() -> [(key: String, member: Member)] {
        var out: [(String, Member)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let m = mirror, m.subjectType != Module.self {
            levels.append(m)
            mirror = m.superclassMirror
        }
        let keys = checkpointKeys
        for level in levels.reversed() {
            for child in level.children {
                guard let label = child.label, let member = Member(child.value) else { continue }
                out.append((keys[label] ?? label, member))
            }
        }
        return out
    }

    /// The direct sub-modules by key (array elements as `key.index`).
    public func children() -> [(key: String, module: Module)] {
        var out: [(String, Module)] = []
        for (key, member) in members() {
            switch member {
            case .module(let m): out.append((key, m))
            case .modules(let list): for (i, m) in list.enumerated() { out.append(("\(key).\(i)", m)) }
            case .tensor: break
            }
        }
        return out
    }

    /// Every tensor of the tree (parameters and buffers) by its full path, depth first in
    /// declaration order.
    public func namedTensors(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        for (key, member) in members() {
            switch member {
            case .tensor(let t): out.append((prefix + key, t))
            case .module(let m): out += m.namedTensors(prefix: prefix + key + ".")
            case .modules(let list):
                for (i, m) in list.enumerated() { out += m.namedTensors(prefix: "\(prefix)\(key).\(i).") }
            }
        }
        return out
    }

    /// The trainable tensors by path. A tensor reachable twice (tied weights) is listed once,
    /// under its first path.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return namedTensors().filter { $0.tensor.requiresGrad && seen.insert(ObjectIdentifier($0.tensor)).inserted }
    }

    /// The trainable tensors, each once (for an optimizer).
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Sets each parameter's `name` to its path (optimizer state and checkpoints use it).
    public func nameParameters() {
        for (name, tensor) in namedParameters() { tensor.name = name }
    }

    /// Every module of the tree, self first.
    public func modules() -> [Module] {
        [self] + children().flatMap { $0.module.modules() }
    }

    /// Dropout on (`true`) or off in the whole tree.
    public func train(_ training: Bool = true) {
        for m in modules() { m.isTraining = training }
    }

    /// Evaluation mode: dropout off.
    public func eval() { train(false) }
}

/// What a module property holds, as far as checkpoints are concerned.
public enum Member {
    case tensor(Tensor)
    case module(Module)
    case modules([Module])

    init?(_ value: Any) {
        switch value {
        case let t as Tensor: self = .tensor(t)
        case let m as Module: self = .module(m)
        case let list as [Module]: self = .modules(list)
        default:
            // An optional property: count it when set.
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return nil }
            guard let wrapped = mirror.children.first?.value else { return nil }
            self.init(wrapped)
        }
    }
}

/// A new parameter of `shape`, uninitialized until `resetParameters` or a checkpoint fills it.
func parameter(_ shape: [Int]) -> Tensor {
    let t = Tensor(uninitializedShape: shape)
    t.requiresGrad = true
    return t
}
