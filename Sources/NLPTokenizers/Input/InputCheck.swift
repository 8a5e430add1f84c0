extension LineReader {
    /// The first problem a full read of `path` would meet — a line over `maxLineBytes`, or (unless
    /// `lossy`) invalid UTF-8 — found without keeping the text. Streaming commands call this on
    /// regular files before writing anything, so bad input never leaves half an output behind.
    public static func firstProblem(in path: String, maxLineBytes: Int = 64 << 20, lossy: Bool = false) throws -> InputError? {
        let reader = try LineReader(path: path, maxLineBytes: maxLineBytes)
        for line in reader where !lossy {
            let bytes = line.bytes
            if bytes.allSatisfy({ $0 < 0x80 }) { continue }
            let offset = firstInvalidUTF8Offset(bytes)
            if offset < bytes.count { return line.invalidUTF8(at: offset) }
        }
        return reader.error
    }
}
