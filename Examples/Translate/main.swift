// Translates lines from standard input with a model folder from `nlp train-translation`:
//   swift run -c release translate-example zh-en < sentences.txt
import Foundation
import NLPKit

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: translate-example MODEL_DIR < sentences.txt\n".utf8))
    exit(2)
}
do {
    let translator = try Translator(folder: CommandLine.arguments[1])
    var lines: [String] = []
    while let line = readLine() { lines.append(line) }
    for translation in translator.translate(lines, options: BeamSearchOptions(beamSize: 4)) { print(translation) }
} catch {
    FileHandle.standardError.write(Data("translate-example: \(error)\n".utf8))
    exit(1)
}
