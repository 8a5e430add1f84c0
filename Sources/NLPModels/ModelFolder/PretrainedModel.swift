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

/// Typed hyper-parameters read from and written to config.json.
public protocol ModelConfiguration {
    init(json: ConfigJSON) throws
    func write(to c: inout ConfigJSON)
}

/// A model whose folder is just its config.json (read as `Configuration`) and its weights under the
/// model's own names: `load(folder:)` and `configJSON()` come with the conformance.
public protocol PlainPretrainedModel: PretrainedModel {
    associatedtype Configuration: ModelConfiguration
    var config: Configuration { get }
    /// The config.json the model came from (its other keys are written back on save).
    var baseConfig: ConfigJSON { get set }
    init(_ config: Configuration, generator: RandomGenerator?)
}

extension PlainPretrainedModel {
    public func configJSON() -> ConfigJSON {
        var c = baseConfig
        config.write(to: &c)
        return c
    }

    /// The model in `folder`, in evaluation mode.
    public static func load(folder: String) throws -> Self {
        let json = try ModelFolder.readConfig(folder)
        let model = Self(try Configuration(json: json), generator: nil)
        model.baseConfig = json
        try model.loadWeights(from: try ModelFolder.openWeights(folder))
        model.eval()
        return model
    }
}
