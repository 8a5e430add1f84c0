import Foundation
import XCTest

/// Runs the built `nlp` executable as a user would, for end-to-end tests of the command line.
/// The binary sits beside the test bundle in the build products folder (`swift test` builds it first
/// because this target depends on it).
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Standard output as written (`stdout` decodes it, replacing invalid UTF-8).
    let stdoutBytes: Data
}

enum NLPCommand {
    static var executable: URL {
        var dir = Bundle(for: Marker.self).bundleURL
        while dir.pathExtension == "xctest" || dir.lastPathComponent.hasSuffix(".xctest") {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("nlp")
    }

    /// Runs `nlp ARGUMENTS…`, feeding `input` on standard input; waits for it to exit.
    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        // Read both pipes on their own threads so a chatty child never blocks on a full pipe.
        let outData = Collected(), errData = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        if let input { inp.fileHandleForWriting.write(input) }
        try inp.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData.data, as: UTF8.self),
                             stderr: String(decoding: errData.data, as: UTF8.self),
                             stdoutBytes: outData.data)
    }

    /// A fresh temporary folder for one test's files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nlp-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private final class Marker {}
    /// Bytes read by one reader thread; the group's wait orders the write before the read.
    private final class Collected: @unchecked Sendable { var data = Data() }
}
