import NLPModels
import NLPTensor
import XCTest

/// Finite-difference gradient checks of every layer and block, inputs and parameters.
final class LayerGradientTests: XCTestCase {
    let generator = RandomGenerator(seed: 3)

    func testLinearAndConv1D() {
        let linear = Linear(4, 3), conv = Conv1D(4, 3)
        linear.resetParameters(using: generator)
        conv.resetParameters(using: generator)
        conv.bias!.assign(Tensor.uniform([3], generator: generator))
        let x = ModuleGradientCheck.random([2, 4], seed: 1)
        ModuleGradientCheck.check(linear, inputs: [x]) { linear(x) }
        ModuleGradientCheck.check(conv, inputs: [x]) { conv(x) }
    }

    func testEmbeddingAndLayerNorm() {
        let embedding = Embedding(5, 3), norm = LayerNorm(3)
        embedding.resetParameters(using: generator)
        norm.weight.assign(Tensor.uniform([3], low: 0.5, high: 1.5, generator: generator))
        norm.bias!.assign(Tensor.uniform([3], generator: generator))
        ModuleGradientCheck.check(embedding, inputs: []) { embedding([1, 4, 1, 0], shape: [2, 2]) }
        let x = ModuleGradientCheck.random([4, 3], seed: 2)
        ModuleGradientCheck.check(norm, inputs: [x]) { norm(x) }
    }

    func testDropoutWithAFixedMask() {
        let dropout = Dropout(0.4)
        let x = ModuleGradientCheck.random([3, 5], seed: 3)
        ModuleGradientCheck.check(dropout, inputs: [x]) {
            dropout.generator = RandomGenerator(seed: 8)   // the same mask in every evaluation
            return dropout(x)
        }
        dropout.eval()
        XCTAssertTrue(dropout(x) === x)
    }

    func testMultiHeadAttentionSelfAndCross() {
        let attention = MultiHeadAttention(width: 4, heads: 2)
        attention.resetParameters(using: generator)
        let x = ModuleGradientCheck.random([2, 3, 4], seed: 4), memory = ModuleGradientCheck.random([2, 2, 4], seed: 5)
        let mask = Tensor(shape: [2, 3], scalars: [1, 1, 1, 1, 1, 0])
        ModuleGradientCheck.check(attention, inputs: [x]) { attention(x, keyMask: mask, causal: true) }
        ModuleGradientCheck.check(attention, inputs: [x, memory]) { attention(x, memory: memory) }
    }

    func testTransformerLayers() {
        let encoder = TransformerEncoderLayer(width: 4, heads: 2, feedForward: 6, dropout: 0, activation: .gelu)
        let decoder = TransformerDecoderLayer(width: 4, heads: 2, feedForward: 6, dropout: 0)
        encoder.resetParameters(using: generator)
        decoder.resetParameters(using: generator)
        let x = ModuleGradientCheck.random([2, 3, 4], seed: 6), memory = ModuleGradientCheck.random([2, 2, 4], seed: 7)
        ModuleGradientCheck.check(encoder, inputs: [x]) { encoder(x) }
        ModuleGradientCheck.check(decoder, inputs: [x, memory]) { decoder(x, memory: memory) }
    }

    func testBertLayerAndGPTBlock() {
        let bertConfig = BertConfig(vocabSize: 10, hiddenSize: 4, layers: 1, heads: 2, intermediateSize: 6,
                                    maxPositions: 8, hiddenDropout: 0, attentionDropout: 0)
        let bert = BertLayer(bertConfig)
        bert.resetParameters(using: generator)
        let x = ModuleGradientCheck.random([2, 3, 4], seed: 8)
        let mask = Tensor(shape: [2, 3], scalars: [1, 1, 1, 1, 0, 0])
        ModuleGradientCheck.check(bert, inputs: [x]) { bert(x, keyMask: mask) }
        let gptConfig = GPTConfig(vocabSize: 10, maxPositions: 8, width: 4, layers: 1, heads: 2, dropout: 0)
        let block = GPTBlock(gptConfig)
        block.resetParameters(using: generator)
        for case let conv as Conv1D in block.modules() { conv.bias!.assign(Tensor.uniform([conv.outFeatures], generator: generator)) }
        ModuleGradientCheck.check(block, inputs: [x]) { block(x, keyMask: nil, cache: nil, memoryKeyValues: nil, memoryMask: nil) }
    }

    func testRecurrentNetworks() {
        let x = ModuleGradientCheck.random([2, 3, 3], seed: 9)
        for network in [LSTM(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true),
                        GRU(inputSize: 3, hiddenSize: 2), RNN(inputSize: 3, hiddenSize: 2, bidirectional: true)] as [RecurrentNetwork] {
            network.resetParameters(using: generator)
            ModuleGradientCheck.check(network, inputs: [x]) {
                let (output, state) = network(x, lengths: [3, 2])
                return Tensor.concat([output.reshaped([-1]), state.hidden.reshaped([-1])], axis: 0)
            }
        }
    }
}
