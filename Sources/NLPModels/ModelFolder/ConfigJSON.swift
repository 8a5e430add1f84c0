import Foundation

/// A config.json object: typed reads with the file named in every error, and writes that keep
/// the keys this toolkit does not use (so a Hugging Face config survives a load/save round trip).
public struct ConfigJSON {
    /// The file it came from (for messages); "config.json" for a new one.
    public let file: String
    public private(set) var values: [String: Any]

    public init(file: String = "config.json", values: [String: Any] = [:]) {
        self.file = file
        self.values = values
    }

    /// Reads and parses `path`.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelError.missingFile(path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.unreadable(file: path, reason: "cannot read the file")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ModelError.unreadable(file: path, reason: "not valid JSON (\(Self.reason(error)))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ModelError.unreadable(file: path, reason: "expected a JSON object at the top level")
        }
        self.init(file: path, values: dictionary)
    }

    public subscript(key: String) -> Any? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is NSNull) }

    public func int(_ key: String) throws -> Int {
        guard let value = try optionalInt(key) else { throw ModelError.badConfig(file: file, key: key, expected: "an integer") }
        return value
    }

    public func int(_ key: String, default value: Int) throws -> Int { try optionalInt(key) ?? value }

    public func optionalInt(_ key: String) throws -> Int? {
        guard has(key) else { return nil }
        if let n = values[key] as? NSNumber, !Self.isBool(n), n.doubleValue == n.doubleValue.rounded() {
            return n.intValue
        }
        throw ModelError.badConfig(file: file, key: key, expected: "an integer")
    }

    public func float(_ key: String, default value: Float) throws -> Float {
        guard has(key) else { return value }
        guard let n = values[key] as? NSNumber, !Self.isBool(n) else {
            throw ModelError.badConfig(file: file, key: key, expected: "a number")
        }
        return n.floatValue
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        guard has(key) else { return value }
        guard let n = values[key] as? NSNumber, Self.isBool(n) else {
            throw ModelError.badConfig(file: file, key: key, expected: "true or false")
        }
        return n.boolValue
    }

    public func string(_ key: String) throws -> String {
        guard let s = try optionalString(key) else { throw ModelError.badConfig(file: file, key: key, expected: "a string") }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        guard has(key) else { return nil }
        guard let s = values[key] as? String else { throw ModelError.badConfig(file: file, key: key, expected: "a string") }
        return s
    }

    public func object(_ key: String) throws -> ConfigJSON? {
        guard has(key) else { return nil }
        guard let o = values[key] as? [String: Any] else { throw ModelError.badConfig(file: file, key: key, expected: "an object") }
        return ConfigJSON(file: "\(file) [\(key)]", values: o)
    }

    /// Hugging Face's id2label: {"0": "negative", "1": "positive"} → ["negative", "positive"].
    public func labels() throws -> [String]? {
        guard has("id2label") else { return nil }
        guard let map = values["id2label"] as? [String: Any] else {
            throw ModelError.badConfig(file: file, key: "id2label", expected: "an object of index → label name")
        }
        var names = [String?](repeating: nil, count: map.count)
        for (key, value) in map {
            guard let i = Int(key), i >= 0, i < map.count, let name = value as? String else {
                throw ModelError.badConfig(file: file, key: "id2label", expected: "indices 0..<\(map.count) mapped to label names")
            }
            names[i] = name
        }
        return names.map { $0! }
    }

    /// Sets id2label and label2id from label names.
    public mutating func setLabels(_ names: [String]) {
        var id2label: [String: Any] = [:], label2id: [String: Any] = [:]
        for (i, name) in names.enumerated() {
            id2label[String(i)] = name
            label2id[name] = i
        }
        values["id2label"] = id2label
        values["label2id"] = label2id
    }

    /// A Float as the JSON number it reads as (1e-12, not 9.9999999600419720e-13).
    public static func number(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }

    /// Pretty-printed JSON with sorted keys (stable files, readable diffs).
    public func serialized() throws -> Data {
        do {
            var data = try JSONSerialization.data(withJSONObject: values, options: [.prettyPrinted, .sortedKeys])
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw ModelError.cannotWrite(file: file, reason: "the config cannot be written as JSON (\(error))")
        }
    }

    /// JSON true/false parse to NSNumbers of Objective-C type "c" (numbers never do).
    private static func isBool(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }

    private static func reason(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
