import Foundation
import NLPModels
import NLPTensor

/// A training checkpoint: one safetensors file with the model's tensors (`model.<path>`) and the
/// optimizer's buffers (`optimizer.<key>`), named by trainer_state.json. The order of writes makes
/// a kill at any moment harmless: the new file is written atomically, then the state that names
/// it, and only then is the previous file removed — the state always names a whole file.
public enum Checkpoint {
    static let modelPrefix = "model.", optimizerPrefix = "optimizer."

    public static func fileName(step: Int) -> String {
        String(format: "checkpoint-%08d.safetensors", step)
    }

    /// The model's tensors, each once (a tied weight under its first path).
    static func tensors(of model: Module) -> [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return model.namedTensors().filter { seen.insert(ObjectIdentifier($0.tensor)).inserted }
    }

    /// Writes the checkpoint of `state.step` into `folder` and points trainer_state.json at it.
    public static func save(model: Module, optimizer: Optimizer, state: inout TrainerState, to folder: String) throws {
        let name = fileName(step: state.step)
        var all = tensors(of: model).map { (modelPrefix + $0.name, $0.tensor) }
        all += optimizer.stateTensors().map { (optimizerPrefix + $0.name, $0.tensor) }
        let path = (folder as NSString).appendingPathComponent(name)
        do {
            try SafetensorsWriter.write(all.map { (name: $0.0, tensor: $0.1) }, metadata: ["format": "nlp-checkpoint"], to: path)
        } catch let error as SafetensorsError {
            throw TrainingError.badCheckpoint(file: path, reason: "cannot write: \(error.reason)")
        }
        let previous = state.checkpoint
        state.checkpoint = name
        try state.write(to: folder)
        if let previous, previous != name {
            unlink((folder as NSString).appendingPathComponent(previous))
        }
    }

    /// Loads the checkpoint trainer_state.json names into `model` and `optimizer`; returns the state.
    public static func restore(model: Module, optimizer: Optimizer, from folder: String) throws -> TrainerState {
        let state = try TrainerState.read(from: folder)
        guard let name = state.checkpoint else { throw TrainingError.nothingToResume(folder: folder) }
        let path = (folder as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.badCheckpoint(file: path, reason: "missing (named by \(TrainerState.fileName))")
        }
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: path) } catch let error as SafetensorsError {
            throw TrainingError.badCheckpoint(file: path, reason: error.reason)
        }
        let names = Set(file.names)
        var plan: [(Tensor, String)] = []
        for (name, tensor) in tensors(of: model) {
            let key = modelPrefix + name
            guard names.contains(key) else { throw TrainingError.badCheckpoint(file: path, reason: "tensor \"\(key)\" is missing") }
            let entry = try file.entry(named: key)
            guard entry.shape == tensor.shape else {
                throw TrainingError.badCheckpoint(file: path, reason: "tensor \"\(key)\" has shape \(entry.shape), the model \(tensor.shape)")
            }
            plan.append((tensor, key))
        }
        var optimizerState: [String: Tensor] = [:]
        for name in file.names where name.hasPrefix(optimizerPrefix) {
            optimizerState[String(name.dropFirst(optimizerPrefix.count))] = try file.tensor(named: name)
        }
        for (tensor, key) in plan { tensor.assign(try file.tensor(named: key)) }
        do { try optimizer.restoreState(optimizerState) } catch {
            throw TrainingError.badCheckpoint(file: path, reason: "\(error)")
        }
        return state
    }

    /// Removes the checkpoint files and trainer_state.json of a finished run (and temporary
    /// files a killed write left).
    public static func removeAll(in folder: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in files where (file.hasPrefix("checkpoint-") && file.hasSuffix(".safetensors"))
            || file == TrainerState.fileName || (file.hasPrefix(".") && file.contains(".tmp-")) {
            unlink((folder as NSString).appendingPathComponent(file))
        }
    }

    /// Removes temporary files left by writes that a kill interrupted.
    public static func removeTemporaryFiles(in folder: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in files where file.hasPrefix(".") && file.contains(".tmp-") {
            unlink((folder as NSString).appendingPathComponent(file))
        }
    }
}
