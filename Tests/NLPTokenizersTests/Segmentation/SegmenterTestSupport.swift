import Foundation
import XCTest
@testable import NLPTokenizers

/// Shared fixtures of the segmentation tests: the committed default model (loaded once) and the
/// SIGHAN data in ../shared/data when present.
enum SegmenterTestSupport {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    static let defaultModel: Result<SegmenterModel, Error> = Result { try DefaultSegmenterModel.load() }

    static func model() throws -> SegmenterModel { try defaultModel.get() }

    static func segmenter(_ mode: ChineseSegmenter.Mode) throws -> ChineseSegmenter {
        try ChineseSegmenter(model: model(), mode: mode)
    }

    /// A file of ../shared/data, or XCTSkip when the data is not on this machine.
    static func sharedData(_ relative: String) throws -> String {
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(relative) is not in ../shared/data on this machine")
        }
        return path
    }

    /// The first `count` lines of a text file.
    static func lines(_ path: String, count: Int) throws -> [String] {
        var out: [String] = []
        for line in try LineReader(path: path) {
            if out.count == count { break }
            out.append(try line.text())
        }
        return out
    }

    /// The words of `text`, joined by spaces.
    static func segmented(_ segmenter: ChineseSegmenter, _ text: String) -> String {
        segmenter.words(in: text).joined(separator: " ")
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("segmenter-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
