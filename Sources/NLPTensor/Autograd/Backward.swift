import Synchronization

extension Tensor {
    /// Visit stamps; atomic because replicas of a model run backward() on several threads at once.
    private static let stamp = Atomic<UInt32>(0)

    /// Reverse-mode differentiation from this tensor: adds d(self)/d(leaf) · `gradient` to the `grad`
    /// of every leaf that requires a gradient. Without `gradient`, self must have one element (a loss)
    /// and the seed is 1. Gradients accumulate across calls until a leaf's `grad` is set to nil.
    /// The graph is freed as it is walked unless `retainGraph`; a second backward through a freed
    /// graph is an error.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) {
        precondition(requiresGrad, "backward() on a tensor that does not require a gradient")
        precondition(!graphReleased, "backward() through a graph that an earlier backward() freed (use retainGraph: true)")
        let seed: Tensor
        if let gradient {
            precondition(gradient.count == count, "backward gradient \(gradient.shape) for a tensor of shape \(shape)")
            seed = gradient
        } else {
            precondition(count == 1, "backward() without a gradient needs a one-element tensor, not \(shape)")
            seed = Tensor(shape: shape, repeating: 1)
        }
        accumulateGrad(seed, owned: false)

        for tensor in topologicalOrder().reversed() {
            guard let node = tensor.node else { continue }
            if let g = tensor.gradient { node.backward(tensor, g) }
            if !retainGraph {
                tensor.node = nil
                tensor.graphReleased = true
            }
            if !tensor.retainsGrad { tensor.grad = nil }
        }
    }

    /// Every tensor with a node reachable from self, each after all of its inputs (iterative DFS).
    private func topologicalOrder() -> [Tensor] {
        let stamp = Tensor.stamp.wrappingAdd(1, ordering: .relaxed).newValue
        var order: [Tensor] = []
        var stack: [(Tensor, Int)] = [(self, 0)]
        visitStamp = stamp
        while let (tensor, next) = stack.last {
            guard let node = tensor.node else {
                stack.removeLast()
                continue
            }
            if next < node.inputs.count {
                stack[stack.count - 1].1 = next + 1
                let input = node.inputs[next]
                precondition(!input.graphReleased,
                             "backward() through a graph that an earlier backward() freed (use retainGraph: true)")
                if input.node != nil && input.visitStamp != stamp {
                    input.visitStamp = stamp
                    stack.append((input, 0))
                }
            } else {
                order.append(tensor)
                stack.removeLast()
            }
        }
        return order
    }
}
