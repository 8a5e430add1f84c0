#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file (or standard input for `-`) line by line, splitting on `\n` only: `\r`, NUL,
/// U+2028 and every other character stay part of the line, as Hugging Face tokenizers would see it.
/// Memory is bounded by the longest line; a line longer than `maxLineBytes` is an error, not an
/// unbounded allocation.
public final class LineReader: Sequence, IteratorProtocol {
    /// One line of the input: its 1-based number and its bytes without the `\n`.
    public struct Line {
        public let number: Int
        public let bytes: [UInt8]
        public let file: String

        /// The line as a String; invalid UTF-8 is an `InputError` naming the line and byte, or is
        /// replaced by U+FFFD when `lossy`.
        public func text(lossy: Bool = false) throws -> String {
            if lossy { return String(decoding: bytes, as: UTF8.self) }
            if let s = String(validating: bytes, as: UTF8.self) { return s }
            throw invalidUTF8(at: firstInvalidUTF8Offset(bytes))
        }

        /// The error for invalid UTF-8 at byte `offset` of this line.
        func invalidUTF8(at offset: Int) -> InputError {
            InputError(file: file, line: number,
                       "invalid UTF-8 at byte \(offset + 1) of the line (use --lossy to replace it with U+FFFD)")
        }
    }

    public let name: String
    public let maxLineBytes: Int
    private let handle: UnsafeMutablePointer<FILE>
    private let ownsHandle: Bool
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0, end = 0
    private var lineNumber = 0
    private var atEOF = false
    /// Set when a line is over `maxLineBytes`; iteration stops and `error` says why.
    public private(set) var error: InputError?

    /// Opens `path`, or standard input when `path` is nil or "-".
    public init(path: String?, maxLineBytes: Int = 64 << 20) throws {
        self.maxLineBytes = maxLineBytes
        if let path, path != "-" {
            guard let f = fopen(path, "rb") else {
                throw InputError(file: path, String(cString: strerror(errno)))
            }
            var info = stat()
            if fstat(fileno(f), &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                fclose(f)
                throw InputError(file: path, "is a directory, expected a text file")
            }
            handle = f
            ownsHandle = true
            name = path
        } else {
            handle = stdin
            ownsHandle = false
            name = "<stdin>"
        }
    }

    deinit { if ownsHandle { fclose(handle) } }

    public func next() -> Line? {
        if error != nil { return nil }
        var pending: [UInt8] = []
        while true {
            if start < end {
                let newline = buffer.withUnsafeBufferPointer { b -> Int? in
                    guard let p = memchr(b.baseAddress! + start, 0x0A, end - start) else { return nil }
                    return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
                }
                if let newline {
                    pending.append(contentsOf: buffer[start..<newline])
                    start = newline + 1
                    return emit(pending)
                }
                pending.append(contentsOf: buffer[start..<end])
                start = end
                if pending.count > maxLineBytes {
                    error = InputError(file: name, line: lineNumber + 1,
                                       "line is longer than \(maxLineBytes) bytes")
                    return nil
                }
            }
            if atEOF { return pending.isEmpty ? nil : emit(pending) }
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress!, 1, $0.count, handle) }
            start = 0
            end = n
            if n == 0 { atEOF = true }
        }
    }

    private func emit(_ bytes: [UInt8]) -> Line? {
        if bytes.count > maxLineBytes {
            error = InputError(file: name, line: lineNumber + 1, "line is longer than \(maxLineBytes) bytes")
            return nil
        }
        lineNumber += 1
        return Line(number: lineNumber, bytes: bytes, file: name)
    }
}

/// The byte offset of the first invalid UTF-8 sequence in `bytes` (or `bytes.count` if valid).
func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): offset += UTF8.width(scalar)
        case .emptyInput: return offset
        case .error: return offset
        }
    }
}
