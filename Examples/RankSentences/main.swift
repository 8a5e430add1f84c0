// Ranks sentences by meaning: embeds a query and candidate sentences with a sentence-embedding
// model folder and prints the candidates from most to least similar (cosine of the vectors).
//
//   swift run -c release rank-sentences models/all-MiniLM-L6-v2 "a film worth seeing" candidates.txt
//
// Without a candidates file it ranks a few built-in sentences.
import Foundation
import NLPKit

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: rank-sentences MODEL_FOLDER QUERY [CANDIDATES_FILE]\n".utf8))
    exit(2)
}
let folder = arguments[1], query = arguments[2]
var candidates = [
    "The movie was a delight from start to finish.",
    "I would not recommend this film to anyone.",
    "The hotel room was clean and the staff were friendly.",
    "Stock prices fell sharply on Monday.",
    "这部电影非常好看。",
]
if arguments.count > 3 {
    guard let text = try? String(contentsOfFile: arguments[3], encoding: .utf8) else {
        FileHandle.standardError.write(Data("rank-sentences: cannot read \(arguments[3])\n".utf8))
        exit(1)
    }
    candidates = text.split(separator: "\n").map(String.init)
}

do {
    let embedder = try SentenceEmbedder(folder: folder)
    let encoder = try BertWordPieceEncoder(tokenizerFile: ModelFolder.path(folder, ModelFolder.tokenizerFile))
    let ids = try encoder.encodeBatch([query] + candidates, maxLength: embedder.maxLength)
    let vectors = embedder.embed(ids)                     // [1 + candidates, dimension], unit length
    let d = embedder.dimension
    func cosine(_ i: Int) -> Float {
        var dot: Float = 0
        for j in 0..<d { dot += vectors[0, j] * vectors[i, j] }
        return dot                                        // both vectors have norm 1
    }
    let ranked = candidates.indices.map { (score: cosine($0 + 1), sentence: candidates[$0]) }.sorted { $0.score > $1.score }
    for (score, sentence) in ranked { print(String(format: "%.4f", score) + "\t" + sentence) }
} catch {
    FileHandle.standardError.write(Data("rank-sentences: \(error)\n".utf8))
    exit(1)
}
