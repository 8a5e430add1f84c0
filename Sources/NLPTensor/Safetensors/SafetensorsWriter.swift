import Foundation
import NLPFiles

/// Writes safetensors files (F32), atomically (AtomicFile): a crash leaves either the old file or
/// the new one, never half of one.
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

        var length = UInt64(headerBytes.count).littleEndian
        try withUnsafeBytes(of: &length) { lengthBytes in
            try headerBytes.withUnsafeBytes { headerChunk in
                let data = tensors.map { UnsafeRawBufferPointer(start: $0.tensor.data, count: $0.tensor.count * 4) }
                do {
                    try AtomicFile.write(chunks: [lengthBytes, headerChunk] + data, to: path)
                } catch let error as AtomicFile.WriteError {
                    throw SafetensorsError(path: path, error.reason)
                }
            }
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
