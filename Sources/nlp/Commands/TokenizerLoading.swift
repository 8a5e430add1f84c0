import ArgumentParser
import Foundation
import NLPKit

/// Loads `--tokenizer` (a tokenizer.json or a model folder holding one) for the tokenizer commands;
/// its padding and truncation are dropped unless asked for.
func loadTokenizer(_ path: String, pad: Bool = false, truncate: Bool = false) throws -> Tokenizer {
    var tokenizer: Tokenizer
    do {
        tokenizer = try Tokenizer(contentsOfFile: path)
    } catch let e as TokenizerFileError {
        throw CLIError(e.description)
    }
    if pad && tokenizer.padding == nil {
        throw ValidationError("--pad: \(path) has no padding settings")
    }
    if truncate && tokenizer.truncation == nil {
        throw ValidationError("--truncate: \(path) has no truncation settings")
    }
    if !pad { tokenizer.padding = nil }
    if !truncate { tokenizer.truncation = nil }
    return tokenizer
}

/// Buffered writing to standard output (one fwrite per block, not per line).
struct OutputBuffer {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 20) }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func append(_ b: UInt8) { bytes.append(b) }

    /// Appends the decimal digits of a non-negative integer.
    mutating func append(number: Int) {
        if number < 10 { bytes.append(UInt8(48 + number)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = number < 0 ? -number : number, k = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 { d[k] = UInt8(48 + n % 10); n /= 10; k += 1 }
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            while k > 0 { k -= 1; bytes.append(d[k]) }
        }
    }

    /// Appends a JSON string literal.
    mutating func append(jsonString s: String) { JSONEscaping.appendQuoted(s, to: &bytes) }

    /// Writes and empties the buffer.
    mutating func flush() throws {
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
        bytes.removeAll(keepingCapacity: true)
        if written == 0 || ferror(stdout) != 0 {
            throw CLIError("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }
}
