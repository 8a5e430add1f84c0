// `nlp-bench tensor`: our side of bench/tensor.py. Prints one JSON line per measurement:
// {"area":"tensor","case":…,"impl":"tensor"|"sgemm","threads":…,"median_ms":…,"min_ms":…,"max_ms":…,…}.
import CBLAS
import Dispatch
import Foundation
import NLPTensor
import NLPTraining

enum TensorBench {
    static func run(_ arguments: [String]) throws {
        var threads = Parallelism.threads
        var only: String?
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--threads": threads = Int(iterator.next() ?? "") ?? threads
            case "--case": only = iterator.next()
            default: throw BenchError("unknown option \(argument) (expected --threads N, --case NAME)")
            }
        }
        Parallelism.setThreads(threads)
        FileHandle.standardError.write(Data("nlp-bench tensor: OpenBLAS kernels \(BLASRuntime.kernelName), \(threads) threads\n".utf8))
        let cases: [(String, () -> Void)] = [
            ("matmul", matmul),
            ("fused", fused),
            ("mlp", mlpStep),
            ("gpt", gptStep),
            ("small", smallOps),
            ("gemm-shapes", gemmShapes),
        ]
        for (name, body) in cases where only == nil ? !["small", "gemm-shapes"].contains(name) : only == name { body() }
    }

    /// Median, min and max milliseconds per call over `samples` samples, each repeating `body`
    /// until it has run ≥ 60 ms (after `warmups` calls).
    static func time(samples: Int = 7, warmups: Int = 3, _ body: () -> Void) -> (median: Double, min: Double, max: Double) {
        for _ in 0..<warmups { body() }
        var results: [Double] = []
        var cpuBefore = rusage()
        getrusage(RUSAGE_SELF.rawValue, &cpuBefore)
        var totalCalls = 0
        for _ in 0..<samples {
            var calls = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed: UInt64 = 0
            repeat {
                body()
                calls += 1
                elapsed = DispatchTime.now().uptimeNanoseconds - start
            } while elapsed < 60_000_000
            results.append(Double(elapsed) / 1e6 / Double(calls))
            totalCalls += calls
        }
        var cpuAfter = rusage()
        getrusage(RUSAGE_SELF.rawValue, &cpuAfter)
        lastCPUMilliseconds = (seconds(cpuAfter.ru_utime) + seconds(cpuAfter.ru_stime)
                               - seconds(cpuBefore.ru_utime) - seconds(cpuBefore.ru_stime)) * 1000 / Double(totalCalls)
        results.sort()
        return (results[results.count / 2], results.first!, results.last!)
    }

    /// CPU time (user + system, all threads) per call of the last `time` run: less sensitive to
    /// other processes on the machine than wall time (though it counts spinning threads).
    nonisolated(unsafe) static var lastCPUMilliseconds = 0.0

    static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }

    /// `time` for two bodies with their samples interleaved.
    static func timeAlternating(samples: Int = 9, _ first: () -> Void, _ second: () -> Void)
        -> ((median: Double, min: Double, max: Double), (median: Double, min: Double, max: Double)) {
        var a: [Double] = [], b: [Double] = []
        for _ in 0..<samples {
            a.append(time(samples: 1, warmups: 1, first).median)
            b.append(time(samples: 1, warmups: 1, second).median)
        }
        func summary(_ v: [Double]) -> (median: Double, min: Double, max: Double) {
            let s = v.sorted()
            return (s[s.count / 2], s.first!, s.last!)
        }
        return (summary(a), summary(b))
    }

    static func emit(_ name: String, _ impl: String, _ t: (median: Double, min: Double, max: Double), extra: [String: Any] = [:]) {
        var fields: [String: Any] = ["area": "tensor", "case": name, "impl": impl, "threads": Parallelism.threads,
                                     "median_ms": t.median, "min_ms": t.min, "max_ms": t.max, "cpu_ms": lastCPUMilliseconds]
        for (k, v) in extra { fields[k] = v }
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        fflush(stdout)
    }

    static func matmul() {
        for (m, k, n) in [(256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048), (4096, 256, 1024)] {
            let a = Tensor.normal([m, k], generator: RandomGenerator(seed: 1))
            let b = Tensor.normal([k, n], generator: RandomGenerator(seed: 2))
            let flops = 2.0 * Double(m * n * k)
            let name = "matmul \(m)x\(k)x\(n)"
            let c = Tensor(uninitializedShape: [m, n])
            // Samples of the two alternate, so both see the same machine load.
            let (raw, ours) = timeAlternating({
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                            a.data, Int32(k), b.data, Int32(n), 0, c.data, Int32(n))
            }, { _ = a.matmul(b) })
            emit(name, "sgemm", raw, extra: ["gflops": flops / raw.median / 1e6])
            emit(name, "tensor", ours, extra: ["gflops": flops / ours.median / 1e6])
        }
    }

    static func fused() {
        let rows = 4096, width = 1024
        let x = Tensor.normal([rows, width], generator: RandomGenerator(seed: 3), requiresGrad: true)
        let g = Tensor.normal([rows, width], generator: RandomGenerator(seed: 4))
        let weight = Tensor.normal([width], generator: RandomGenerator(seed: 5), requiresGrad: true)
        let bias = Tensor.normal([width], generator: RandomGenerator(seed: 6), requiresGrad: true)
        let generator = RandomGenerator(seed: 7)
        let targets = (0..<rows).map { _ in Int32(generator.nextInt(below: width)) }
        let ops: [(String, () -> Tensor)] = [
            ("softmax", { x.softmax() }),
            ("layer norm", { x.layerNorm(weight: weight, bias: bias) }),
            ("gelu", { x.gelu() }),
            ("cross entropy", { x.crossEntropy(targets: targets) }),
        ]
        for (name, op) in ops {
            let forward = time { _ = noGrad { op() } }
            emit("\(name) fwd [\(rows), \(width)]", "tensor", forward)
            let both = time {
                x.grad = nil; weight.grad = nil; bias.grad = nil
                let y = op()
                if y.count == 1 { y.backward() } else { y.backward(g) }
            }
            emit("\(name) fwd+bwd [\(rows), \(width)]", "tensor", both)
        }
    }

    static func mlpStep() {
        let batch = 256, inputs = 1024, hidden = 4096, outputs = 1024
        let generator = RandomGenerator(seed: 8)
        let x = Tensor.normal([batch, inputs], generator: generator)
        let targets = (0..<batch).map { _ in Int32(generator.nextInt(below: outputs)) }
        let bound1 = 1 / Float(inputs).squareRoot(), bound2 = 1 / Float(hidden).squareRoot()
        let w1 = Tensor.uniform([hidden, inputs], low: -bound1, high: bound1, generator: generator, requiresGrad: true)
        let b1 = Tensor.uniform([hidden], low: -bound1, high: bound1, generator: generator, requiresGrad: true)
        let w2 = Tensor.uniform([outputs, hidden], low: -bound2, high: bound2, generator: generator, requiresGrad: true)
        let b2 = Tensor.uniform([outputs], low: -bound2, high: bound2, generator: generator, requiresGrad: true)
        let optimizer = AdamW(parameters: [w1, b1, w2, b2], learningRate: 1e-3)
        var loss: Float = 0
        let t = time {
            optimizer.zeroGrad()
            let l = x.linear(weight: w1, bias: b1).gelu().linear(weight: w2, bias: b2).crossEntropy(targets: targets)
            l.backward()
            optimizer.step()
            loss = l.scalar
        }
        emit("mlp step 1024-4096-1024 b256", "tensor", t, extra: ["loss": loss])
    }

    /// Per-op cost at the sizes of a small GPT (batch 12, context 64, width 128, 4 heads): the
    /// regime where dispatch overhead and parallel thresholds matter. Not in the peer table.
    static func smallOps() {
        let g = RandomGenerator(seed: 9)
        let tiny = Tensor.normal([8], generator: g, requiresGrad: true)
        emit("tiny add, no graph", "tensor", time { _ = noGrad { tiny + tiny } })
        emit("tiny add + backward", "tensor", time { tiny.grad = nil; (tiny + tiny).sum().backward() })
        let x = Tensor.normal([12, 64, 128], generator: g, requiresGrad: true)
        let w = Tensor.normal([384, 128], generator: g, requiresGrad: true)
        let b = Tensor.normal([384], generator: g, requiresGrad: true)
        let gamma = Tensor.ones([128], requiresGrad: true), beta = Tensor.zeros([128], requiresGrad: true)
        let q = Tensor.normal([12, 4, 64, 32], generator: g, requiresGrad: true)
        let k = Tensor.normal([12, 4, 64, 32], generator: g, requiresGrad: true)
        let causal = Tensor.causalMask(64)
        let scores = Tensor.normal([12, 4, 64, 64], generator: g, requiresGrad: true)
        let bertActivations = Tensor.normal([32, 64, 384], generator: g, requiresGrad: true)
        let cases: [(String, () -> Tensor)] = [
            ("add [12,64,128]", { x + x }),
            ("gelu [12,64,128]", { x.gelu() }),
            ("layer norm [12,64,128]", { x.layerNorm(weight: gamma, bias: beta) }),
            ("linear [768,128]x[384,128]T", { x.linear(weight: w, bias: b) }),
            ("q.kT [48: 64x32 . 32x64]", { q.matmul(k, transposeB: true) }),
            ("softmax causal [12,4,64,64]", { q.matmul(k, transposeB: true).softmax(scale: 0.18, mask: causal) }),
            ("softmax only [12,4,64,64]", { scores.softmax() }),
            ("softmax only masked [12,4,64,64]", { scores.softmax(scale: 0.18, mask: causal) }),
            ("permute [12,64,4,32]->[12,4,64,32]", { x.reshaped([12, 64, 4, 32]).permuted([0, 2, 1, 3]) }),
            ("dropout 0.1 [32,64,384]", { bertActivations.dropout(probability: 0.1) }),
        ]
        for (name, op) in cases {
            emit("\(name) fwd", "tensor", time { _ = noGrad { op() } })
            emit("\(name) fwd+bwd", "tensor", time {
                for t in [x, w, b, gamma, beta, q, k, scores, bertActivations] { t.grad = nil }
                op().sum().backward()
            })
        }
    }

    /// One training step of a nanoGPT-shaped model (4 layers, 4 heads, width 128, context 64,
    /// batch 12, vocabulary 65, tied embeddings, no dropout) built from the plain ops, with AdamW:
    /// how far the core is from the model workstream's target (≥ 1.5× PyTorch tokens/s).
    static func gptStep() {
        let batch = 12, context = 64, width = 128, heads = 4, layers = 4, vocabulary = 65
        let headWidth = width / heads
        let g = RandomGenerator(seed: 10)
        func weight(_ shape: [Int], _ std: Float = 0.02) -> Tensor {
            Tensor.normal(shape, standardDeviation: std, generator: g, requiresGrad: true)
        }
        func zeros(_ n: Int) -> Tensor { Tensor.zeros([n], requiresGrad: true) }
        func ones(_ n: Int) -> Tensor { Tensor.ones([n], requiresGrad: true) }
        let tokenEmbedding = weight([vocabulary, width]), positionEmbedding = weight([context, width])
        struct Block { let ln1w, ln1b, qkvW, qkvB, projW, projB, ln2w, ln2b, fcW, fcB, fc2W, fc2B: Tensor }
        let blocks = (0..<layers).map { _ in
            Block(ln1w: ones(width), ln1b: zeros(width), qkvW: weight([3 * width, width]), qkvB: zeros(3 * width),
                  projW: weight([width, width]), projB: zeros(width), ln2w: ones(width), ln2b: zeros(width),
                  fcW: weight([4 * width, width]), fcB: zeros(4 * width), fc2W: weight([width, 4 * width]), fc2B: zeros(width))
        }
        let finalW = ones(width), finalB = zeros(width)
        var parameters = [tokenEmbedding, positionEmbedding, finalW, finalB]
        for b in blocks {
            parameters += [b.ln1w, b.ln1b, b.qkvW, b.qkvB, b.projW, b.projB, b.ln2w, b.ln2b, b.fcW, b.fcB, b.fc2W, b.fc2B]
        }
        let optimizer = AdamW(parameters: parameters, learningRate: 1e-3, weightDecay: 0.1)
        let ids = (0..<(batch * context)).map { _ in Int32(g.nextInt(below: vocabulary)) }
        let targets = (0..<(batch * context)).map { _ in Int32(g.nextInt(below: vocabulary)) }
        let causal = Tensor.causalMask(context)
        let scale = 1 / Float(headWidth).squareRoot()
        var loss: Float = 0
        let t = time {
            optimizer.zeroGrad()
            var x = tokenEmbedding.gatherRows(ids, shape: [batch, context]) + positionEmbedding   // [B, T, C]
            for b in blocks {
                let h = x.layerNorm(weight: b.ln1w, bias: b.ln1b)
                // [B, T, 3C] → [3, B, H, T, D] in one copy; q, k, v are views of it.
                let qkv = h.linear(weight: b.qkvW, bias: b.qkvB)
                    .reshaped([batch, context, 3, heads, headWidth]).permuted([2, 0, 3, 1, 4])
                let q = qkv.slice(axis: 0, 0..<1).squeezed(axis: 0)
                let k = qkv.slice(axis: 0, 1..<2).squeezed(axis: 0)
                let v = qkv.slice(axis: 0, 2..<3).squeezed(axis: 0)
                let attention = q.matmul(k, transposeB: true).softmax(scale: scale, mask: causal)   // [B, H, T, T]
                let y = attention.matmul(v).permuted([0, 2, 1, 3]).reshaped([batch, context, width])
                x = x + y.linear(weight: b.projW, bias: b.projB)
                let h2 = x.layerNorm(weight: b.ln2w, bias: b.ln2b)
                x = x + h2.linear(weight: b.fcW, bias: b.fcB).gelu().linear(weight: b.fc2W, bias: b.fc2B)
            }
            let logits = x.layerNorm(weight: finalW, bias: finalB).matmul(tokenEmbedding, transposeB: true)
            let l = logits.crossEntropy(targets: targets)
            l.backward()
            optimizer.step()
            loss = l.scalar
        }
        emit("gpt step 4L 4H 128d ctx64 b12", "tensor", t,
             extra: ["loss": loss, "tokens_per_s": Double(batch * context) / (t.median / 1000)])
    }

    /// The products of the GPT step (forward and both backward forms), one by one. Diagnostic.
    static func gemmShapes() {
        let shapes: [(Int, Int, Int, Bool, Bool)] = [
            (768, 128, 384, false, true), (768, 128, 128, false, true), (768, 128, 512, false, true), (768, 512, 128, false, true),
            (768, 384, 128, false, false), (384, 768, 128, true, false), (768, 512, 128, false, false), (512, 768, 128, true, false),
            (768, 128, 65, false, true),
        ]
        for (m, k, n, ta, tb) in shapes {
            let a = Tensor.normal(ta ? [k, m] : [m, k], generator: RandomGenerator(seed: 1))
            let b = Tensor.normal(tb ? [n, k] : [k, n], generator: RandomGenerator(seed: 2))
            let c = Tensor(uninitializedShape: [m, n])
            let t = time { Gemm.multiply(a.data, transposeA: ta, b.data, transposeB: tb, c.data, m: m, n: n, k: k) }
            emit("gemm \(m)x\(k)x\(n)\(ta ? " tA" : "")\(tb ? " tB" : "")", "sgemm", t,
                 extra: ["gflops": 2.0 * Double(m * n * k) / t.median / 1e6])
        }
    }
}
