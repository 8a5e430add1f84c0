import Foundation

/// Writes safetensors files (F32), atomically: the bytes go to a temporary file in the same
/// folder, which is flushed to disk and then renamed over `path`, so a crash leaves either the old
/// file or the new one, never half of one.
public enum SafetensorsWriter {
    /// Writes `tensors` in the given order with optional `__metadata__` strings.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to path: String) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard name != "__metadata__" else { throw SafetensorsError(path: path, "\"__metadata__\" cannot name a tensor") }
            guard seen.insert(name).inserted else { throw SafetensorsError(path: path, "tensor \"\(name)\" given twice") }
        }
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.count * 4
            fields.append("\(quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        header += fields.joined(separator: ",") + "}"
        // Pad with spaces so the data starts 8-byte aligned (as the reference writer does).
        var headerBytes = Array(header.utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }

        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SafetensorsError(path: path, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { close(fd); unlink(temporary) }
        }
        var length = UInt64(headerBytes.count).littleEndian
        try withUnsafeBytes(of: &length) { try writeAll(fd, $0, path) }
        try headerBytes.withUnsafeBytes { try writeAll(fd, $0, path) }
        for (_, tensor) in tensors {
            try writeAll(fd, UnsafeRawBufferPointer(start: tensor.data, count: tensor.count * 4), path)
        }
        guard fsync(fd) == 0 else { throw SafetensorsError(path: path, "cannot flush: \(String(cString: strerror(errno)))") }
        guard close(fd) == 0 else { throw SafetensorsError(path: path, "cannot close: \(String(cString: strerror(errno)))") }
        ok = true
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SafetensorsError(path: path, "cannot rename the temporary file into place: \(reason)")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw SafetensorsError(path: path, "write failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// A JSON string literal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
