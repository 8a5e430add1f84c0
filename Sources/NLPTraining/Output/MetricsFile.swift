import Foundation
import NLPFiles
import NLPTensor

/// metrics.json of a run: a flat JSON object of figures (numbers, strings, nested objects),
/// written atomically with sorted keys. NaN and infinities, which JSON cannot hold, become null.
public enum MetricsFile {
    public static let fileName = "metrics.json"

    public static func write(_ values: [String: Any], to folder: String) throws {
        let data = try JSONSerialization.data(withJSONObject: sanitized(values), options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data + Data("\n".utf8), to: (folder as NSString).appendingPathComponent(fileName))
    }

    static func sanitized(_ value: Any) -> Any {
        switch value {
        case let x as Double: return x.isFinite ? x : NSNull()
        case let x as Float: return x.isFinite ? Double(x) : NSNull()
        case let d as [String: Any]: return d.mapValues(sanitized)
        case let a as [Any]: return a.map(sanitized)
        case Optional<Any>.none: return NSNull()
        default: return value
        }
    }
}
