import Foundation
import NLPKit

func runGenerateBench(_ arguments: [String]) throws {
    let options = try BenchOptions(arguments)
    if let threads = options.int("threads") { Parallelism.setThreads(threads) }
    let model = GPTLanguageModel(.nanoGPTCharacters(vocabSize: 65), generator: RandomGenerator(seed: 1))
    model.eval()
    let n = options.int("tokens") ?? 500
    for _ in 0..<3 {
        let t = seconds {
            let decoder = GPTDecoder(model)
            var id: Int32 = 0
            var history: [Int32] = [0]
            var logits = decoder.feed([0])
            for _ in 0..<n {
                id = Int32(logits.argmax()[0])
                history.append(id)
                if decoder.length == 64 { decoder.reset(); logits = decoder.feed(Array(history.suffix(32))) }
                else { logits = decoder.feed([id]) }
            }
        }
        print("decoder: \(Double(n) / t) tokens/s")
    }
}
