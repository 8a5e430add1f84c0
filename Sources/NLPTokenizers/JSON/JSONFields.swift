/// A malformed tokenizer.json: names the field (as a path like `model.vocab`) and what was expected.
public struct TokenizerFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let field: String
    public let message: String

    public init(file: String = "tokenizer.json", field: String, _ message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }

    func named(_ file: String) -> TokenizerFileError { TokenizerFileError(file: file, field: field, message) }
}

/// A JSON value and where it sits in the file, with typed accessors whose errors name the field.
struct JSONField {
    let value: JSON
    let path: String

    init(_ value: JSON, path: String = "") {
        self.value = value
        self.path = path
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ expected: String) -> TokenizerFileError {
        TokenizerFileError(field: path, "expected \(expected), found \(value.kindName)")
    }

    var isNull: Bool { value.isNull }

    func object() throws -> JSONObject {
        guard case .object(let o) = value else { throw fail("an object") }
        return o
    }

    /// A member that must be present (null counts as present).
    func field(_ key: String) throws -> JSONField {
        let o = try object()
        guard let v = o[key] else { throw TokenizerFileError(field: child(key), "missing field") }
        return JSONField(v, path: child(key))
    }

    /// A member that may be absent; absent reads as null.
    func optional(_ key: String) throws -> JSONField {
        let o = try object()
        return JSONField(o[key] ?? .null, path: child(key))
    }

    func has(_ key: String) -> Bool {
        if case .object(let o) = value, let v = o[key], !v.isNull { return true }
        return false
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw fail("a string") }
        return s
    }

    func stringOrNull() throws -> String? { isNull ? nil : try string() }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw fail("true or false") }
        return b
    }

    func bool(default d: Bool) throws -> Bool { isNull ? d : try bool() }

    func double() throws -> Double {
        guard case .number(let d) = value else { throw fail("a number") }
        return d
    }

    func int() throws -> Int {
        guard case .number(let d) = value, d == d.rounded(), abs(d) < 9e15 else { throw fail("an integer") }
        return Int(d)
    }

    func int(default d: Int) throws -> Int { isNull ? d : try int() }

    func nonNegativeInt() throws -> Int {
        let v = try int()
        guard v >= 0 else { throw TokenizerFileError(field: path, "expected a non-negative integer, found \(v)") }
        return v
    }

    func array() throws -> [JSONField] {
        guard case .array(let items) = value else { throw fail("an array") }
        return items.enumerated().map { JSONField($1, path: "\(path)[\($0)]") }
    }

    func members() throws -> [(key: String, value: JSONField)] {
        try object().entries.map { ($0.key, JSONField($0.value, path: child($0.key))) }
    }

    /// The `type` member of a component (normalizer, pre-tokenizer, …).
    func type() throws -> String { try field("type").string() }

    func unknownType(_ kind: String, known: [String]) throws -> Never {
        let t = (try? type()) ?? "?"
        throw TokenizerFileError(field: child("type"),
                                 "unknown \(kind) type \"\(t)\" (supported: \(known.joined(separator: ", ")))")
    }
}
