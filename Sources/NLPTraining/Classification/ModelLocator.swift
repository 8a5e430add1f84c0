import Foundation

/// Finds the model folders the toolkit ships or sets up (models/, vocab/) whether `nlp` runs from
/// the project folder, from its build folder, or from elsewhere with NLPKIT_HOME set.
public enum ModelLocator {
    /// Folders searched, in order: $NLPKIT_HOME, the current folder, and the project folder of
    /// the running executable (.build/release/nlp → ../..).
    public static var roots: [String] {
        var out: [String] = []
        if let home = ProcessInfo.processInfo.environment["NLPKIT_HOME"], !home.isEmpty { out.append(home) }
        out.append(FileManager.default.currentDirectoryPath)
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            out.append(dir.path)
            dir.deleteLastPathComponent()
        }
        return out
    }

    /// `relative` (e.g. "models/all-MiniLM-L6-v2") under the first root that has a config.json
    /// there, or nil.
    public static func find(_ relative: String) -> String? {
        for root in roots {
            let path = (root as NSString).appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("config.json")) {
                return relative.hasPrefix("/") ? relative : standardized(path)
            }
        }
        return nil
    }

    /// A shorter spelling of `path` when it is under the current folder.
    static func standardized(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let p = (path as NSString).standardizingPath
        return p.hasPrefix(cwd) ? String(p.dropFirst(cwd.count)) : p
    }
}
