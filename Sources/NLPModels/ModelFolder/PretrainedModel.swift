import NLPTensor

/// A model that lives in a model folder: it writes its config.json and knows how checkpoint
/// names map to its own (prefixes, tied weights, buffers to skip).
public protocol PretrainedModel: Module {
    /// The config.json this model saves: the typed hyper-parameters written over the keys of the
    /// config it was loaded from (so unknown Hugging Face keys survive a round trip).
    func configJSON() -> ConfigJSON
}

extension PretrainedModel {
    /// The tensors to save, each once (a tied weight under its first path), with their paths.
    public func checkpointTensors() -> [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return namedTensors().filter { seen.insert(ObjectIdentifier($0.tensor)).inserted }
    }

    /// Saves config.json and model.safetensors into `folder` (atomically, file by file), and
    /// copies `tokenizer` (a tokenizer.json) when given.
    public func save(to folder: String, tokenizer: String? = nil) throws {
        try ModelFolder.save(config: configJSON(), weights: checkpointTensors(), to: folder, tokenizer: tokenizer)
    }
}
