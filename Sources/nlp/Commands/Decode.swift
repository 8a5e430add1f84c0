import ArgumentParser
import Foundation
import NLPKit

/// `nlp decode`: token ids (separated by spaces, one sequence a line) back to text.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode token ids (space-separated, one sequence a line) back to text.")

    @Option(help: "A tokenizer.json file (or a model folder holding one).")
    var tokenizer: String

    @Flag(help: "Keep the special tokens ([CLS], <|endoftext|>, …) in the text.")
    var keepSpecial = false

    @Argument(help: "The input file of ids; - is standard input.")
    var file: String = "-"

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.apply()
        let t = try loadTokenizer(tokenizer)
        let reader: LineReader
        do { reader = try openTextInput(file) } catch let e as InputError { throw CLIError(e.description) }
        let idCount = t.idCount
        var out = OutputBuffer()
        for line in reader {
            var ids: [Int] = []
            var value = 0, digits = 0
            func finish(_ at: Int) throws {
                guard digits > 0 else { return }
                guard value < idCount, t.token(forID: value) != nil else {
                    throw CLIError("\(reader.name):\(line.number): id \(value) is not in the tokenizer's vocabulary (ids 0..<\(idCount))")
                }
                ids.append(value)
                value = 0
                digits = 0
            }
            for (k, b) in line.bytes.enumerated() {
                if b >= 0x30 && b <= 0x39 {
                    if digits < 18 { value = value * 10 + Int(b - 0x30) }
                    digits += 1
                } else if b == 0x20 || b == 0x09 || b == 0x0D {
                    try finish(k)
                } else {
                    throw CLIError("\(reader.name):\(line.number): expected token ids (integers separated by spaces), found \(String(reflecting: String(decoding: [b], as: UTF8.self))) at byte \(k + 1)")
                }
            }
            try finish(line.bytes.count)
            out.append(t.decode(ids, skipSpecialTokens: !keepSpecial))
            out.append(0x0A)
            if out.bytes.count > 1 << 20 { try out.flush() }
        }
        if let error = reader.error {
            try out.flush()
            throw CLIError(error.description)
        }
        try out.flush()
    }
}
