import Foundation

/// Where the default segmenter model lives: `vocab/segmenter-pku` of the source tree, trained by
/// `nlp train-segmenter` on People's Daily 1998-01 (see vocab/README.md).
public enum DefaultSegmenterModel {
    /// The folder name under vocab/.
    public static let name = "segmenter-pku"
    /// Overrides the search below.
    public static let environmentVariable = "NLPKIT_SEGMENTER_MODEL"

    /// The first of: $NLPKIT_SEGMENTER_MODEL; vocab/segmenter-pku in a parent folder of the running
    /// executable (a build folder inside the source tree); the source tree this library was built from.
    public static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty { return path }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var dir = executable.deletingLastPathComponent()
            for _ in 0..<6 {
                candidates.append(dir.appendingPathComponent("vocab").appendingPathComponent(name))
                dir.deleteLastPathComponent()
            }
        }
        // Sources/NLPTokenizers/Segmentation/Model/this file → the package root.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }
        candidates.append(root.appendingPathComponent("vocab").appendingPathComponent(name))
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("segmenter.json").path) {
            return candidate.path
        }
        throw InputError(file: "vocab/\(name)",
                         "default segmenter model not found (looked beside the executable and in \(root.path)); pass --model or set \(environmentVariable)")
    }

    /// Loads the default model.
    public static func load(includingTagger: Bool = true) throws -> SegmenterModel {
        try SegmenterModel.load(from: path(), includingTagger: includingTagger)
    }
}
