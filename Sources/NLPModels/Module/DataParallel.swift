import Dispatch
import NLPTensor

/// Data parallelism over the cores, as PyTorch's `nn.DataParallel` does over devices: the batch is
/// split by rows into one shard per thread, each shard runs forward and backward on its own copy of
/// the model with single-threaded kernels, and the shards' gradients are summed onto the primary
/// model's parameters (the ones an optimizer updates).
///
/// Why: the products of a small model ([768 × 128] · [128 × 384] for nanoGPT) are too small for
/// OpenBLAS's own threads to pay off, and every elementwise op would otherwise be a short parallel
/// region of its own. One region per step, with no hand-off inside it, keeps both cores busy.
///
/// Each replica re-reads the primary's parameters at the start of every call, so an optimizer step
/// on the primary is all the synchronisation there is. Buffers (tensors without a gradient) are not
/// copied: `replica` must build them as the primary has them (GPT, BERT and the LSTM LM have none).
/// Replicas follow the primary's `isTraining`; a replica's dropout draws from a generator of its own.
public final class DataParallel<Model: Module> {
    /// The model whose parameters hold the summed gradients.
    public let model: Model
    let replicas: [Model]
    let parameters: [Tensor]
    let replicaParameters: [[Tensor]]

    /// `replica` makes a model of the same architecture (its parameter values do not matter: they
    /// are overwritten from `model`); one is made per thread beyond the first.
    public init(_ model: Model, threads: Int = Parallelism.threads, replica: () -> Model) {
        self.model = model
        let primary = model.parameters()
        parameters = primary
        replicas = (0..<Swift.max(0, threads - 1)).map { _ in replica() }
        replicaParameters = replicas.map { copy in
            let own = copy.parameters()
            precondition(own.count == primary.count && zip(own, primary).allSatisfy { $0.shape == $1.shape },
                         "a data-parallel replica's parameters differ from the model's")
            return own
        }
        replicaDropouts = replicas.map { copy in
            copy.modules().compactMap { $0 as? Dropout }.filter { $0.probability > 0 }
        }
        seedReplicaDropout(0x5EED_0000)
    }

    let replicaDropouts: [[Dropout]]

    /// Restarts the replicas' dropout streams from `seed` (a trainer that seeds each step calls
    /// this with the step's seed, so a resumed run draws the same masks).
    public func seedReplicaDropout(_ seed: UInt64) {
        for (index, dropouts) in replicaDropouts.enumerated() {
            let generator = RandomGenerator(seed: seed &+ 0x9E37_79B9 &* UInt64(index + 1))
            for dropout in dropouts { dropout.generator = generator }
        }
    }

    /// Shards one call uses (at most one per row).
    public func shardCount(rows: Int) -> Int { Swift.min(replicas.count + 1, rows) }

    /// The mean loss over the batch's counted targets (≠ `ignoreIndex`), with its gradient added to
    /// the primary's parameters. `loss` returns a shard's mean loss over its own counted targets.
    public func lossAndGradients(_ input: TokenBatch, targets: [Int32], ignoreIndex: Int32 = -100,
                                 _ loss: (Model, TokenBatch, [Int32]) -> Tensor) -> Float {
        run(input, targets: targets, ignoreIndex: ignoreIndex, backward: true, loss)
    }

    /// The mean loss over the batch's counted targets without gradients (evaluation).
    public func loss(_ input: TokenBatch, targets: [Int32], ignoreIndex: Int32 = -100,
                     _ loss: (Model, TokenBatch, [Int32]) -> Tensor) -> Float {
        noGrad { run(input, targets: targets, ignoreIndex: ignoreIndex, backward: false, loss) }
    }

    /// The mean loss over a batch of `rows` rows (sequences, examples), with its gradient added to
    /// the primary's parameters. `loss` returns the mean loss of a contiguous range of rows on the
    /// copy of the model it is given; `weight` counts the items a range's mean runs over (its row
    /// count for one label a row). Each shard's backward is seeded with its share of the counted
    /// items, so the sum is the gradient of the whole batch's mean.
    public func lossAndGradients(rows: Int, weight: (Range<Int>) -> Int, _ loss: (Model, Range<Int>) -> Tensor) -> Float {
        run(rows: rows, weight: weight, backward: true, loss)
    }

    private func run(_ input: TokenBatch, targets: [Int32], ignoreIndex: Int32, backward: Bool,
                     _ loss: (Model, TokenBatch, [Int32]) -> Tensor) -> Float {
        precondition(targets.count == input.batch * input.length,
                     "\(targets.count) targets for a batch of \(input.batch) × \(input.length)")
        func targetsOf(_ rows: Range<Int>) -> ArraySlice<Int32> { targets[(rows.lowerBound * input.length)..<(rows.upperBound * input.length)] }
        return run(rows: input.batch, weight: { targetsOf($0).reduce(0) { $0 + ($1 == ignoreIndex ? 0 : 1) } }, backward: backward) { copy, rows in
            loss(copy, rows == 0..<input.batch ? input : input.rows(rows), Array(targetsOf(rows)))
        }
    }

    private func run(rows: Int, weight: (Range<Int>) -> Int, backward: Bool, _ loss: (Model, Range<Int>) -> Tensor) -> Float {
        let shards = shardCount(rows: rows)
        let counted = weight(0..<rows)
        if shards <= 1 || counted == 0 {
            let value = loss(model, 0..<rows)
            if backward { value.backward() }
            return value.scalar
        }
        let training = model.isTraining
        let threads = Parallelism.threads
        Parallelism.setThreads(1)
        defer { Parallelism.setThreads(threads) }
        let shareOfLoss = UnsafeMutablePointer<Float>.allocate(capacity: shards)
        defer { shareOfLoss.deallocate() }
        DispatchQueue.concurrentPerform(iterations: shards) { shard in
            shareOfLoss[shard] = 0
            let copy = shard == 0 ? model : replicas[shard - 1]
            if shard > 0 {
                for (own, primary) in zip(replicaParameters[shard - 1], parameters) { own.assign(primary) }
                if copy.isTraining != training { copy.train(training) }
            }
            let range = Parallelism.chunkRange(shard, of: shards, count: rows)
            let shardCounted = weight(range)
            guard shardCounted > 0 else { return }
            let share = Float(shardCounted) / Float(counted)
            let value = loss(copy, range)
            if backward { value.backward(Tensor(shape: value.shape, repeating: share)) }
            shareOfLoss[shard] = value.scalar * share
        }
        if backward { gatherGradients(threads: shards) }
        return (0..<shards).reduce(0) { $0 + shareOfLoss[$1] }
    }

    /// Moves the replicas' gradients onto the primary's parameters, the parameters split over
    /// `threads` (each parameter is touched by one thread only).
    private func gatherGradients(threads: Int) {
        let total = parameters.reduce(0) { $0 + $1.count }
        var bounds = [0]
        var sum = 0
        for (index, p) in parameters.enumerated() {
            sum += p.count
            if sum * threads >= total * bounds.count && bounds.count < threads { bounds.append(index + 1) }
        }
        if bounds.last != parameters.count { bounds.append(parameters.count) }
        DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { group in
            for index in bounds[group]..<bounds[group + 1] {
                for own in replicaParameters {
                    guard let gradient = own[index].grad else { continue }
                    own[index].grad = nil
                    parameters[index].accumulateGrad(gradient, owned: true)
                }
            }
        }
    }
}
