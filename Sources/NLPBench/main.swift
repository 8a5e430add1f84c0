// nlp-bench: our side of `make bench`. Each area prints JSON lines that bench/<area>.py puts beside
// the peer it measures in the same run.
import Foundation

let areas: [String: ([String]) throws -> Void] = [
    "tokenizers": TokenizerBench.run,
    "tensor": TensorBench.run,
    "models": runModelBench,
    "segmentation": runSegmentationBench,
    "finetune": runFinetuneBench,
    "generate": runGenerateBench,
    "translate": runTranslateBench,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let area = arguments.first, let run = areas[area] else {
    FileHandle.standardError.write(Data("usage: nlp-bench AREA [options]; areas: \(areas.keys.sorted().joined(separator: ", "))\n".utf8))
    exit(2)
}
do { try run(Array(arguments.dropFirst())) } catch {
    FileHandle.standardError.write(Data("nlp-bench: \(error)\n".utf8))
    exit(1)
}
