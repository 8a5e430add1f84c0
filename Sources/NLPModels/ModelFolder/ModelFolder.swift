import Foundation
import NLPTensor

/// The model folder (DESIGN.md): config.json (Hugging Face keys), model.safetensors (tensor names
/// are the parameter paths) and tokenizer.json. Reads name the file in every error; writes are
/// atomic per file (temporary file in the folder, fsync, rename), weights before config, so a run
/// killed mid-save leaves the previous checkpoint readable.
public enum ModelFolder {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let tokenizerFile = "tokenizer.json"

    public static func path(_ folder: String, _ file: String) -> String {
        (folder as NSString).appendingPathComponent(file)
    }

    /// config.json of `folder`.
    public static func readConfig(_ folder: String) throws -> ConfigJSON {
        let what = "(a model is a folder with config.json and model.safetensors)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw ModelError.unreadable(file: folder, reason: "no such folder \(what)")
        }
        guard isDirectory.boolValue else {
            throw ModelError.unreadable(file: folder, reason: "not a folder \(what)")
        }
        return try ConfigJSON(contentsOf: path(folder, configFile))
    }

    /// model.safetensors of `folder`, memory-mapped and validated.
    public static func openWeights(_ folder: String) throws -> SafetensorsFile {
        let file = path(folder, weightsFile)
        guard FileManager.default.fileExists(atPath: file) else { throw ModelError.missingFile(file) }
        do { return try SafetensorsFile(contentsOf: file) } catch let error as SafetensorsError {
            throw ModelError.unreadable(file: file, reason: error.reason)
        }
    }

    /// Writes `weights` and `config` into `folder` (created if needed), and copies
    /// `tokenizer` (a tokenizer.json path) unless it already is the folder's own.
    public static func save(config: ConfigJSON, weights: [(name: String, tensor: Tensor)], to folder: String,
                            tokenizer: String? = nil) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ModelError.cannotWrite(file: folder, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let weightsPath = path(folder, weightsFile)
        do {
            try SafetensorsWriter.write(weights, metadata: ["format": "pt"], to: weightsPath)
        } catch let error as SafetensorsError {
            throw ModelError.cannotWrite(file: weightsPath, reason: error.reason)
        }
        if let tokenizer {
            let target = path(folder, tokenizerFile)
            if (tokenizer as NSString).standardizingPath != (target as NSString).standardizingPath {
                guard let data = FileManager.default.contents(atPath: tokenizer) else { throw ModelError.missingFile(tokenizer) }
                try AtomicWrite.write(data, to: target)
            }
        }
        try AtomicWrite.write(try config.serialized(), to: path(folder, configFile))
    }
}

/// Whole-file atomic writes: a temporary file in the same folder, fsync, rename over the target.
enum AtomicWrite {
    static func write(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelError.cannotWrite(file: path, reason: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { close(fd); unlink(temporary) } }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ModelError.cannotWrite(file: path, reason: String(cString: strerror(errno)))
                }
                done += n
            }
        }
        guard fsync(fd) == 0, close(fd) == 0 else { throw ModelError.cannotWrite(file: path, reason: String(cString: strerror(errno))) }
        ok = true
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ModelError.cannotWrite(file: path, reason: reason)
        }
    }
}
