import NLPTensor

/// How a checkpoint's tensor names map onto a model's, and which differences are allowed.
public struct WeightLoadingRules {
    /// The model keeps its base under this prefix (Hugging Face's base_model_prefix: "bert." in
    /// BertForSequenceClassification, "transformer." in GPT2LMHeadModel). A checkpoint of the bare
    /// base model (names without the prefix) then loads into it.
    public var basePrefix: String?
    /// The model IS a base model whose head models put it under this prefix: a head model's
    /// checkpoint (names with the prefix) then loads into it, its head tensors left out.
    public var prefixInHeadModels: String?
    /// Paths (or path prefixes ending in ".") the model creates itself when the checkpoint lacks
    /// them: a new head. They are reported in `LoadReport.created` and must be initialized.
    public var newlyCreated: [String] = []
    /// Checkpoint tensors that are not parameters and are skipped (buffers such as BERT's
    /// `embeddings.position_ids` or GPT-2's causal mask `attn.bias`): a predicate on the name.
    public var ignored: (String) -> Bool = { _ in false }

    public init(basePrefix: String? = nil, prefixInHeadModels: String? = nil, newlyCreated: [String] = [],
                ignored: @escaping (String) -> Bool = { _ in false }) {
        self.basePrefix = basePrefix
        self.prefixInHeadModels = prefixInHeadModels
        self.newlyCreated = newlyCreated
        self.ignored = ignored
    }
}

/// What a load did.
public struct LoadReport: Equatable {
    /// Model paths that the checkpoint did not have and that were created (a new head).
    public var created: [String] = []
    /// Checkpoint tensors left out: head tensors when loading a base model from a head checkpoint.
    public var unused: [String] = []
}

extension Module {
    /// Copies the tensors of `file` into this model's parameters and buffers, after checking every
    /// name and shape: the first missing tensor, shape mismatch or unexpected tensor is thrown
    /// (`ModelError`) before anything is written. Tied weights (one tensor under two paths) are
    /// read under their first path; the second may be present in the file or not.
    @discardableResult
    public func loadWeights(from file: SafetensorsFile, rules: WeightLoadingRules = WeightLoadingRules()) throws -> LoadReport {
        let path = file.path
        let fileNames = Set(file.names)
        // Decide how model paths map to file names.
        var toFile: (String) -> String = { $0 }
        var headPrefix: String?   // set when a base model reads a head model's checkpoint
        if let prefix = rules.basePrefix, !file.names.contains(where: { $0.hasPrefix(prefix) }) {
            toFile = { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
        } else if let prefix = rules.prefixInHeadModels, file.names.contains(where: { $0.hasPrefix(prefix) }) {
            toFile = { prefix + $0 }
            headPrefix = prefix
        }
        var report = LoadReport()
        var consumed = Set<String>()
        var plan: [(Tensor, String)] = []
        var seen = Set<ObjectIdentifier>()
        for (name, tensor) in namedTensors() {
            let fileName = toFile(name)
            guard seen.insert(ObjectIdentifier(tensor)).inserted else {
                consumed.insert(fileName)   // a tied alias: nothing to read
                continue
            }
            guard fileNames.contains(fileName) else {
                let isNew = rules.newlyCreated.contains { $0.hasSuffix(".") ? name.hasPrefix($0) : name == $0 }
                if isNew { report.created.append(name); continue }
                throw ModelError.missingTensor(file: path, tensor: fileName)
            }
            let entry = try file.entry(named: fileName)
            guard entry.shape == tensor.shape else {
                throw ModelError.shapeMismatch(file: path, tensor: fileName, expected: tensor.shape, found: entry.shape)
            }
            guard entry.dtype.convertsToFloat else {
                throw ModelError.unreadable(file: path, reason: "tensor \"\(fileName)\" has dtype \(entry.dtype.rawValue), which is not a number type")
            }
            consumed.insert(fileName)
            plan.append((tensor, fileName))
        }
        for name in file.names where !consumed.contains(name) && !rules.ignored(name) {
            if let headPrefix, !name.hasPrefix(headPrefix) {
                report.unused.append(name)   // a head of the checkpoint's model: not part of a base model
                continue
            }
            throw ModelError.unexpectedTensor(file: path, tensor: name)
        }
        for (tensor, fileName) in plan {
            let source: Tensor
            do { source = try file.tensor(named: fileName) } catch {
                throw ModelError.unreadable(file: path, reason: "\(error)")
            }
            tensor.assign(source)
        }
        return report
    }
}
