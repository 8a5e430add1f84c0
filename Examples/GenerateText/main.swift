// Streams text from a language model folder (a GPT or LSTM from `nlp pretrain`, or the bench's
// Shakespeare models) into Swift code, token by token, and stops on a condition of its own: here
// after the first full sentence that ends in "." "!" or "?" (or 。！？), or after 300 tokens.
//
//   swift run -c release generate-text .build/bench-generate/gpt-shakespeare "ROMEO:"
//   swift run -c release generate-text .build/zh/gpt-zh "今天天气"
import Foundation
import NLPKit

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: generate-text MODEL_FOLDER PROMPT\n".utf8))
    exit(2)
}

do {
    let generator = try TextGenerator(folder: arguments[1])
    let options = GenerationOptions(maxNewTokens: 300, sampling: SamplingOptions(temperature: 0.8, topK: 40))
    let stream = try generator.stream(prompt: arguments[2], options: options, generator: RandomGenerator(seed: 42))
    print(arguments[2], terminator: "")
    var sentence = ""
    for piece in stream {                       // each piece: one sampled token and the text it adds
        print(piece.text, terminator: "")
        fflush(stdout)
        sentence += piece.text
        if let last = sentence.unicodeScalars.last, ".!?。！？".unicodeScalars.contains(last), sentence.count > 20 { break }
    }
    print()
    FileHandle.standardError.write(Data("\(stream.generatedCount) tokens\(stream.finishReason.map { ", finished: \($0.rawValue)" } ?? ", stopped by the caller")\n".utf8))
} catch {
    FileHandle.standardError.write(Data("generate-text: \(error)\n".utf8))
    exit(1)
}
