import Foundation

/// Whole-file writes that are atomic: the bytes go to a temporary file in the same folder, are
/// flushed to disk (fsync), then renamed over the target. A run killed at any moment leaves either
/// the old file or the new one, never half of one.
public enum AtomicFile {
    public struct WriteError: LocalizedError, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
        public var errorDescription: String? { description }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write(raw: $0, to: path) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(raw: $0, to: path) }
    }

    /// Writes several chunks in order (e.g. a header and a large tensor buffer) without joining them.
    public static func write(chunks: [UnsafeRawBufferPointer], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, reason: "cannot write: \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { close(fd); unlink(temporary) }
        }
        for chunk in chunks {
            var offset = 0
            while offset < chunk.count {
                let n = Glibc.write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw WriteError(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        ok = true
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: "rename failed: \(reason)")
        }
        // Make the rename itself durable.
        let dirfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    private static func write(raw: UnsafeRawBufferPointer, to path: String) throws {
        if raw.count == 0 {
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            try write(chunks: [empty], to: path)
        } else {
            try write(chunks: [raw], to: path)
        }
    }
}
