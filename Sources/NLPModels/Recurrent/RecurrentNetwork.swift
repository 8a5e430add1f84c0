import NLPTensor

/// The state a recurrent network carries between calls: h (and the LSTM's c) as
/// [layers · directions, B, H], PyTorch's layout (layer-major, the reverse direction second).
public struct RecurrentState {
    public var hidden: Tensor
    public var cell: Tensor?

    public init(hidden: Tensor, cell: Tensor? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// The state detached from the graph (truncated backpropagation through time).
    public func detached() -> RecurrentState {
        RecurrentState(hidden: hidden.detached(), cell: cell?.detached())
    }

    /// The state with its batch rows taken in `order` (row i ← row order[i]); for beam search.
    public func reorderedRows(_ order: [Int]) -> RecurrentState {
        RecurrentState(hidden: Self.gather(hidden, rows: order), cell: cell.map { Self.gather($0, rows: order) })
    }

    /// [layers, B, H] with the B axis taken in `rows` order.
    private static func gather(_ t: Tensor, rows: [Int]) -> Tensor {
        let (layers, b, h) = (t.shape[0], t.shape[1], t.shape[2])
        let out = Tensor(uninitializedShape: [layers, rows.count, h])
        for l in 0..<layers {
            for (row, source) in rows.enumerated() {
                (out.data + (l * rows.count + row) * h).update(from: t.data + (l * b + source) * h, count: h)
            }
        }
        return out
    }
}

/// A multi-layer, optionally bidirectional recurrent network with PyTorch's parameter names and
/// layout (nn.RNN / nn.LSTM / nn.GRU, batch_first): weight_ih_l{k} [G·H, in], weight_hh_l{k}
/// [G·H, H], bias_ih_l{k}, bias_hh_l{k}, and `_reverse` for the backward direction. Each layer and
/// direction is one fused op (RecurrentLayer in NLPTensor); dropout applies between layers.
public class RecurrentNetwork: Module {
    public let cell: RecurrentCell
    public let inputSize: Int, hiddenSize: Int, layers: Int
    public let bidirectional: Bool
    public let dropout: Dropout
    /// Indexed [layer · directions + direction].
    public let weightsIH: [Tensor], weightsHH: [Tensor]
    public let biasesIH: [Tensor]?, biasesHH: [Tensor]?

    public init(_ cell: RecurrentCell, inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true,
                bidirectional: Bool = false, dropout: Float = 0) {
        precondition(layers >= 1 && hiddenSize >= 1 && inputSize >= 1, "recurrent network sizes")
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.dropout = Dropout(dropout)
        let directions = bidirectional ? 2 : 1, gh = cell.gates * hiddenSize
        var ih: [Tensor] = [], hh: [Tensor] = []
        for layer in 0..<layers {
            for _ in 0..<directions {
                ih.append(parameter([gh, layer == 0 ? inputSize : directions * hiddenSize]))
                hh.append(parameter([gh, hiddenSize]))
            }
        }
        weightsIH = ih
        weightsHH = hh
        biasesIH = bias ? (0..<ih.count).map { _ in parameter([gh]) } : nil
        biasesHH = bias ? (0..<ih.count).map { _ in parameter([gh]) } : nil
    }

    public var directions: Int { bidirectional ? 2 : 1 }

    open override func members() -> [(key: String, member: Member)] {
        // The dropout is a child too (it holds no tensors), so eval() reaches it.
        var out: [(String, Member)] = [("dropout", .module(dropout))]
        for layer in 0..<layers {
            for direction in 0..<directions {
                let i = layer * directions + direction, suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                out.append(("weight_ih" + suffix, .tensor(weightsIH[i])))
                out.append(("weight_hh" + suffix, .tensor(weightsHH[i])))
                if let biasesIH, let biasesHH {
                    out.append(("bias_ih" + suffix, .tensor(biasesIH[i])))
                    out.append(("bias_hh" + suffix, .tensor(biasesHH[i])))
                }
            }
        }
        return out
    }

    /// PyTorch's: every weight and bias U(−1/√H, 1/√H).
    public override func resetOwnParameters(using generator: RandomGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        for t in weightsIH + weightsHH + (biasesIH ?? []) + (biasesHH ?? []) {
            generator.fillUniform(t.data, count: t.count, low: -bound, high: bound)
        }
    }

    /// x [B, T, input] → output [B, T, directions · H] (zero at padded positions) and the final
    /// state. `lengths` gives each row's real positions (all T when nil); `state` the initial one
    /// (zero when nil).
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil, state: RecurrentState? = nil)
        -> (output: Tensor, state: RecurrentState) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "recurrent input \(x.shape) is not [B, T, \(inputSize)]")
        let b = x.shape[0]
        func initial(_ t: Tensor?, _ i: Int) -> Tensor? {
            guard let t else { return nil }
            precondition(t.shape == [layers * directions, b, hiddenSize],
                         "initial state \(t.shape) is not [\(layers * directions), \(b), \(hiddenSize)]")
            return t.slice(axis: 0, i..<(i + 1)).reshaped([b, hiddenSize])
        }
        var input = x
        var finalHidden: [Tensor] = [], finalCell: [Tensor] = []
        for layer in 0..<layers {
            if layer > 0 { input = dropout(input) }
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let i = layer * directions + direction
                let result = Tensor.recurrentLayer(cell, input: input, weightIH: weightsIH[i], weightHH: weightsHH[i],
                                                   biasIH: biasesIH?[i], biasHH: biasesHH?[i],
                                                   hidden: initial(state?.hidden, i), cell: initial(state?.cell, i),
                                                   lengths: lengths, reverse: direction == 1)
                outputs.append(result.output)
                finalHidden.append(result.hidden)
                if let c = result.cell { finalCell.append(c) }
            }
            input = outputs.count == 1 ? outputs[0] : Tensor.concat(outputs, axis: 2)
        }
        let state = RecurrentState(hidden: Tensor.stack(finalHidden, axis: 0),
                                   cell: finalCell.isEmpty ? nil : Tensor.stack(finalCell, axis: 0))
        return (input, state)
    }
}

/// Elman RNN with tanh (nn.RNN).
public final class RNN: RecurrentNetwork {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                dropout: Float = 0) {
        super.init(.tanh, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                   bidirectional: bidirectional, dropout: dropout)
    }
}

/// LSTM (nn.LSTM).
public final class LSTM: RecurrentNetwork {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                dropout: Float = 0) {
        super.init(.lstm, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                   bidirectional: bidirectional, dropout: dropout)
    }
}

/// GRU (nn.GRU).
public final class GRU: RecurrentNetwork {
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                dropout: Float = 0) {
        super.init(.gru, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                   bidirectional: bidirectional, dropout: dropout)
    }
}
