import Foundation

/// A safetensors file, memory-mapped and validated when opened.
///
/// The layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header length
/// N, N bytes of JSON `{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`,
/// then the data. Everything in the header is checked before any tensor is touched: the header
/// length against the file, the JSON, each dtype, shape × dtype size against its byte range, every
/// range inside the data and the ranges tiling the data without overlap or gaps. A file that fails
/// any check throws a `SafetensorsError` saying which; nothing reads outside the mapping.
///
/// F32 tensors whose data is 4-byte aligned (files written by the safetensors library always are)
/// come back as views of the mapping, with no copy; the mapping is private copy-on-write, so
/// writing into such a tensor (an optimizer step) changes only this process's pages. Other float
/// and integer dtypes are converted to Float32.
public final class SafetensorsFile {
    /// Headers larger than this are refused (the reference implementation's limit).
    public static let maximumHeaderBytes = 100_000_000

    public struct Entry: Sendable {
        public let name: String
        public let dtype: SafetensorsDType
        public let shape: [Int]
        /// Byte range within the data section.
        public let byteRange: Range<Int>
    }

    public let path: String
    /// The `__metadata__` strings.
    public let metadata: [String: String]
    /// Tensor names in header order.
    public let names: [String]
    private let entries: [String: Entry]
    private let mapping: UnsafeMutableRawPointer?
    private let mappedBytes: Int
    private let dataStart: Int

    public init(contentsOf path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafetensorsError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SafetensorsError(path: path, "cannot stat: \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw SafetensorsError(path: path, "not a regular file") }
        let size = Int(info.st_size)
        guard size >= 8 else {
            throw SafetensorsError(path: path, "file is \(size) bytes, too short for the 8-byte header length")
        }
        let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
        guard let base, base != MAP_FAILED else {
            throw SafetensorsError(path: path, "cannot map the file: \(String(cString: strerror(errno)))")
        }
        mapping = base
        mappedBytes = size
        do {
            let layout = try Self.readHeader(UnsafeRawPointer(base), size: size, path: path)
            (metadata, names, entries, dataStart) = layout
        } catch {
            munmap(base, size)
            throw error
        }
    }

    deinit {
        if let mapping { munmap(mapping, mappedBytes) }
    }

    /// The header entry of `name`.
    public func entry(named name: String) throws -> Entry {
        guard let entry = entries[name] else { throw SafetensorsError(path: path, "no tensor named \"\(name)\"") }
        return entry
    }

    /// The tensor `name` as Float32 (a view of the mapping for aligned F32, else converted).
    public func tensor(named name: String) throws -> Tensor {
        let entry = try entry(named: name)
        let count = Shape.count(of: entry.shape)
        let source = UnsafeRawPointer(mapping!) + dataStart + entry.byteRange.lowerBound
        if entry.dtype == .f32 && Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 && count > 0 {
            let storage = TensorStorage(external: UnsafeMutablePointer(mutating: source.assumingMemoryBound(to: Float.self)),
                                        count: count, owner: self)
            return Tensor(shape: entry.shape, storage: storage)
        }
        guard entry.dtype.convertsToFloat else {
            throw SafetensorsError(path: path, "tensor \"\(name)\" has dtype \(entry.dtype.rawValue), which has no Float32 conversion")
        }
        let out = Tensor(uninitializedShape: entry.shape)
        DTypeConversion.convert(source, dtype: entry.dtype, count: count, into: out.data)
        return out
    }

    /// The integer tensor `name` (ids, position ids) as `[Int]`.
    public func integers(named name: String) throws -> [Int] {
        let entry = try entry(named: name)
        let source = UnsafeRawPointer(mapping!) + dataStart + entry.byteRange.lowerBound
        guard let values = DTypeConversion.integers(source, dtype: entry.dtype, count: Shape.count(of: entry.shape)) else {
            throw SafetensorsError(path: path, "tensor \"\(name)\" has dtype \(entry.dtype.rawValue), not an integer type")
        }
        return values
    }

    /// Every tensor that converts to Float32, by name.
    public func tensors() throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in names where entries[name]!.dtype.convertsToFloat { out[name] = try tensor(named: name) }
        return out
    }

    // Header validation.

    private static func readHeader(_ base: UnsafeRawPointer, size: Int, path: String) throws
        -> ([String: String], [String], [String: Entry], Int) {
        let declared = base.loadUnaligned(as: UInt64.self).littleEndian
        guard declared <= UInt64(maximumHeaderBytes) else {
            throw SafetensorsError(path: path, "header length \(declared) exceeds the limit of \(maximumHeaderBytes) bytes")
        }
        let headerLength = Int(declared)
        guard headerLength <= size - 8 else {
            throw SafetensorsError(path: path, "header length \(headerLength) runs past the end of the file (\(size) bytes)")
        }
        let headerBytes = UnsafeBufferPointer(start: (base + 8).assumingMemoryBound(to: UInt8.self), count: headerLength)
        guard headerLength > 0, headerBytes[0] == UInt8(ascii: "{") else {
            throw SafetensorsError(path: path, "header is not a JSON object (it must start with '{')")
        }
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw SafetensorsError(path: path, "header is not valid UTF-8")
        }
        let json: HeaderJSON
        do { json = try HeaderJSON.parse(headerBytes) } catch let e as HeaderJSON.ParseError {
            throw SafetensorsError(path: path, "header JSON is invalid at byte \(e.offset): \(e.message)")
        }
        guard case let .object(members) = json else { throw SafetensorsError(path: path, "header is not a JSON object") }
        let dataSize = size - 8 - headerLength
        var metadata: [String: String] = [:]
        var names: [String] = []
        var entries: [String: Entry] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                guard case let .object(pairs) = value else {
                    throw SafetensorsError(path: path, "__metadata__ must be an object of strings")
                }
                for (key, v) in pairs {
                    guard case let .string(s) = v else {
                        throw SafetensorsError(path: path, "__metadata__ value of \"\(key)\" is not a string")
                    }
                    metadata[key] = s
                }
                continue
            }
            guard entries[name] == nil else { throw SafetensorsError(path: path, "tensor \"\(name)\" appears twice") }
            let entry = try parseEntry(name, value, dataSize: dataSize, path: path)
            entries[name] = entry
            names.append(name)
        }
        // The byte ranges must tile the data section: sorted, each starting where the last ended.
        var end = 0
        for entry in entries.values.sorted(by: { ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound) }) {
            if entry.byteRange.lowerBound < end {
                throw SafetensorsError(path: path, "tensor \"\(entry.name)\" bytes \(entry.byteRange.lowerBound)..<\(entry.byteRange.upperBound) overlap another tensor")
            }
            if entry.byteRange.lowerBound > end {
                throw SafetensorsError(path: path, "data bytes \(end)..<\(entry.byteRange.lowerBound) before tensor \"\(entry.name)\" belong to no tensor")
            }
            end = entry.byteRange.upperBound
        }
        if end != dataSize {
            throw SafetensorsError(path: path, "data section is \(dataSize) bytes but the tensors cover \(end)")
        }
        return (metadata, names, entries, 8 + headerLength)
    }

    private static func parseEntry(_ name: String, _ value: HeaderJSON, dataSize: Int, path: String) throws -> Entry {
        func fail(_ what: String) -> SafetensorsError { SafetensorsError(path: path, "tensor \"\(name)\": \(what)") }
        guard case let .object(fields) = value else { throw fail("entry is not an object") }
        var dtypeText: String?, shapeValue: HeaderJSON?, offsetsValue: HeaderJSON?
        for (key, v) in fields {
            switch key {
            case "dtype":
                guard case let .string(s) = v else { throw fail("dtype is not a string") }
                dtypeText = s
            case "shape": shapeValue = v
            case "data_offsets": offsetsValue = v
            default: continue   // other fields carry no layout; ignore them as the reference reader does
            }
        }
        guard let dtypeText else { throw fail("missing dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeText) else {
            throw fail("unknown dtype \"\(dtypeText)\" (expected one of \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard case let .array(dims)? = shapeValue else { throw fail("missing or malformed shape") }
        var shape: [Int] = []
        var elements = 1
        for d in dims {
            guard let n = d.nonNegativeInteger else { throw fail("shape has a dimension that is not a non-negative integer") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail("shape \(dims.map { $0.nonNegativeInteger ?? -1 }) is too large") }
            elements = product
            shape.append(n)
        }
        guard case let .array(offsets)? = offsetsValue, offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw fail("data_offsets must be [begin, end] with non-negative integers")
        }
        guard begin <= end else { throw fail("data_offsets [\(begin), \(end)] end before they begin") }
        guard end <= dataSize else {
            throw fail("data_offsets [\(begin), \(end)] run past the data section (\(dataSize) bytes)")
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, bytes == end - begin else {
            throw fail("shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : "\(bytes)") bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }
}
