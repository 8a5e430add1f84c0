// Tokenizes a sentence with a Hugging Face tokenizer.json: load, encode, decode.
//   swift run -c release tokenize-example [TOKENIZER.json] [TEXT]
import Foundation
import NLPTokenizers

let arguments = CommandLine.arguments.dropFirst()
let path = arguments.first ?? "models/all-MiniLM-L6-v2/tokenizer.json"
let text = arguments.dropFirst().first ?? "Hello, world! Tokenizers in Swift."
do {
    var tokenizer = try Tokenizer(contentsOfFile: path)
    tokenizer.padding = nil   // all-MiniLM's tokenizer.json pads every encoding to 128 tokens
    let encoding = tokenizer.encode(text)
    print(encoding.tokens, encoding.ids, tokenizer.decode(encoding.ids, skipSpecialTokens: true), separator: "\n")
} catch {
    FileHandle.standardError.write(Data("tokenize-example: error: \(error)\n".utf8))
    exit(1)
}
