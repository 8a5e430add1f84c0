import NLPModels
import NLPTensor
import XCTest

/// RNN, LSTM, GRU, multi-head attention and the Transformer layers against the PyTorch modules
/// with the same weights (fixtures from scripts/fixtures/models_reference.py): outputs and the
/// gradients of every input and parameter.
final class ReferenceModulesTests: XCTestCase {
    var file: SafetensorsFile!

    override func setUpWithError() throws {
        file = try SafetensorsFile(contentsOf: TestPaths.fixture("models_reference.safetensors"))
    }

    /// Copies `<case>.param.*` into the module; its parameter names must be exactly PyTorch's.
    func load(_ module: Module, _ name: String) throws {
        let prefix = "\(name).param."
        let expected = Set(file.names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
        let ours = module.namedParameters()
        XCTAssertEqual(Set(ours.map(\.name)), expected, "parameter names of \(name)")
        for (path, tensor) in ours { tensor.assign(try file.tensor(named: prefix + path)) }
    }

    func input(_ name: String, _ key: String) throws -> Tensor {
        let t = try file.tensor(named: "\(name).input.\(key)").copy()
        t.requiresGrad = true
        return t
    }

    /// Backpropagates Σ out ⊙ R over the named outputs, then compares outputs and gradients.
    func compare(_ name: String, _ module: Module, outputs: [String: Tensor], inputs: [String: Tensor],
                 tolerance: Float = 2e-5, file: StaticString = #filePath, line: UInt = #line) throws {
        var loss: Tensor?
        for (key, value) in outputs {
            let expected = try self.file.tensor(named: "\(name).out.\(key)")
            XCTAssertEqual(value.shape, expected.shape, "\(name) \(key) shape", file: file, line: line)
            let difference = maxAbsDifference(value, expected)
            XCTAssertLessThan(difference, tolerance, "\(name) output \(key)", file: file, line: line)
            let term = (value * (try self.file.tensor(named: "\(name).weight.\(key)"))).sum()
            loss = loss.map { $0 + term } ?? term
        }
        loss!.backward()
        var worst: Float = 0
        for (key, tensor) in inputs {
            let expected = try self.file.tensor(named: "\(name).grad.\(key)")
            guard let grad = tensor.grad else { XCTFail("\(name): no gradient for \(key)", file: file, line: line); continue }
            let difference = maxAbsDifference(grad, expected)
            worst = max(worst, difference)
            XCTAssertLessThan(difference, tolerance, "\(name) gradient of \(key)", file: file, line: line)
        }
        for (path, tensor) in module.namedParameters() {
            let expected = try self.file.tensor(named: "\(name).grad.param.\(path)")
            guard let grad = tensor.grad else { XCTFail("\(name): no gradient for \(path)", file: file, line: line); continue }
            let difference = maxAbsDifference(grad, expected)
            worst = max(worst, difference)
            XCTAssertLessThan(difference, tolerance, "\(name) gradient of \(path)", file: file, line: line)
        }
        print("\(name): max |gradient − PyTorch| = \(worst)")
    }

    func recurrent(_ name: String, _ network: RecurrentNetwork) throws {
        try load(network, name)
        let x = try input(name, "x"), h0 = try input(name, "h0")
        let c0 = network.cell == .lstm ? try input(name, "c0") : nil
        let lengths = try file.integers(named: "\(name).lengths")
        let (output, state) = network(x, lengths: lengths, state: RecurrentState(hidden: h0, cell: c0))
        var outputs = ["output": output, "hn": state.hidden]
        var inputs = ["x": x, "h0": h0]
        if let c0, let cn = state.cell { outputs["cn"] = cn; inputs["c0"] = c0 }
        try compare(name, network, outputs: outputs, inputs: inputs)
    }

    func testLSTMBidirectionalTwoLayersPadded() throws {
        try recurrent("lstm", LSTM(inputSize: 5, hiddenSize: 4, layers: 2, bidirectional: true))
    }

    func testGRUBidirectionalTwoLayersPadded() throws {
        try recurrent("gru", GRU(inputSize: 5, hiddenSize: 4, layers: 2, bidirectional: true))
    }

    func testElmanRNNTwoLayersPadded() throws {
        try recurrent("rnn", RNN(inputSize: 5, hiddenSize: 4, layers: 2))
    }

    func keyMask(_ name: String) throws -> Tensor {
        let m = try file.integers(named: "\(name).keymask")
        let shape = try file.entry(named: "\(name).keymask").shape
        return Tensor(shape: shape, scalars: m.map(Float.init))
    }

    func testSelfAttentionWithPaddingMask() throws {
        let attention = MultiHeadAttention(width: 8, heads: 2)
        try load(attention, "mha_self")
        let x = try input("mha_self", "x")
        try compare("mha_self", attention, outputs: ["output": attention(x, keyMask: try keyMask("mha_self"))], inputs: ["x": x])
    }

    func testCausalSelfAttention() throws {
        let attention = MultiHeadAttention(width: 8, heads: 2)
        try load(attention, "mha_causal")
        let x = try input("mha_causal", "x")
        try compare("mha_causal", attention, outputs: ["output": attention(x, causal: true)], inputs: ["x": x])
    }

    func testCrossAttention() throws {
        let attention = MultiHeadAttention(width: 8, heads: 2)
        try load(attention, "mha_cross")
        let x = try input("mha_cross", "x"), memory = try input("mha_cross", "memory")
        let y = attention(x, memory: memory, memoryMask: try keyMask("mha_cross"))
        try compare("mha_cross", attention, outputs: ["output": y], inputs: ["x": x, "memory": memory])
    }

    func testPostNormEncoderLayer() throws {
        let layer = TransformerEncoderLayer(width: 8, heads: 2, feedForward: 16, dropout: 0)
        try load(layer, "encoder_layer")
        let x = try input("encoder_layer", "x")
        try compare("encoder_layer", layer, outputs: ["output": layer(x, keyMask: try keyMask("encoder_layer"))], inputs: ["x": x])
    }

    func testPreNormDecoderLayerWithCrossAttention() throws {
        let layer = TransformerDecoderLayer(width: 8, heads: 2, feedForward: 16, dropout: 0, activation: .gelu)
        try load(layer, "decoder_layer")
        let x = try input("decoder_layer", "x"), memory = try input("decoder_layer", "memory")
        let y = layer(x, memory: memory, memoryMask: try keyMask("decoder_layer"))
        try compare("decoder_layer", layer, outputs: ["output": y], inputs: ["x": x, "memory": memory])
    }
}
