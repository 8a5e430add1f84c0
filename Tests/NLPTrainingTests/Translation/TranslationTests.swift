import Foundation
import NLPModels
import NLPTensor
import NLPTokenizers
import XCTest
@testable import NLPTraining

final class TranslationTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "translation-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testHeldOutSplitKeepsEverySourceOnOneSide() {
        var pairs: [TranslationPair] = []
        for i in 0..<300 { for j in 0..<(1 + i % 3) { pairs.append(TranslationPair(source: "s\(i)", target: "t\(i).\(j)")) } }
        let corpus = TranslationPairs(pairs: pairs)
        let (rest, held) = corpus.splitBySource(heldOut: 100, seed: 7)
        XCTAssertEqual(held.count, 100)
        XCTAssertEqual(rest.count + held.count, pairs.count)
        XCTAssertTrue(Set(rest.map(\.source)).isDisjoint(with: Set(held.map(\.source))))
        XCTAssertEqual(corpus.splitBySource(heldOut: 100, seed: 7).heldOut, held, "seeded")
        XCTAssertNotEqual(corpus.splitBySource(heldOut: 100, seed: 8).heldOut, held)
    }

    func testReadsPairsAndRejectsBadRows() throws {
        let good = dir + "/good.tsv"
        try "source\ttarget\n你好。\tHello.\n\n我们走吧。\tLet's go.\n".write(toFile: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TranslationPairs(path: good).pairs.map(\.target), ["Hello.", "Let's go."])
        let bad = dir + "/bad.tsv"
        try "a\tb\nno tab here\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TranslationPairs(path: bad)) { error in
            XCTAssertEqual((error as? InputError)?.line, 2)
        }
        try "a\t\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TranslationPairs(path: bad))
    }

    func testInverseSquareRootSchedule() {
        let s = InverseSquareRootSchedule(peak: 1, warmupSteps: 100)
        XCTAssertEqual(s.learningRate(atStep: 49), 0.5, accuracy: 1e-6)
        XCTAssertEqual(s.learningRate(atStep: 99), 1, accuracy: 1e-6)
        XCTAssertEqual(s.learningRate(atStep: 399), 0.5, accuracy: 1e-6)
    }

    /// Letters written with spaces, reversed: "c a f" → "f a c".
    func reversalPairs(_ count: Int, seed: UInt64) -> [TranslationPair] {
        var generator = SplitMix64(seed: seed)
        let letters = Array("abcdef")
        return (0..<count).map { _ in
            let word = (0..<(3 + Int(generator.next() % 3))).map { _ in letters[Int(generator.next() % 6)] }
            return TranslationPair(source: word.map(String.init).joined(separator: " "),
                                   target: word.reversed().map(String.init).joined(separator: " "))
        }
    }

    func makeTask(seed: UInt64, dev: [TranslationPair] = [], architecture: TranslationArchitecture = .transformer) throws -> TranslationTask {
        let train = reversalPairs(400, seed: 1)
        let tokenizer = try TranslationRecipe.trainTokenizer(pairs: train, vocabularySize: 270, folder: dir)
        let shape = TranslationShape(architecture: architecture, layers: architecture == .lstm ? 1 : 2, heads: 2,
                                     dimension: architecture == .lstm ? 64 : 32,
                                     maxLength: 16, dropout: 0)
        let model = TranslationRecipe.makeModel(shape: shape,
                                                tokenizer: tokenizer, sourceLanguage: "en", targetLanguage: "en", seed: seed)
        return try TranslationTask(model: model, tokenizer: tokenizer, train: train, dev: dev, targetLanguage: "en",
                                   batchTokens: 512, labelSmoothing: 0.1)
    }

    func train(_ task: TranslationTask, steps: Int, folder: String) throws -> TrainingOutcome {
        let optimizer = Adam(parameters: task.model.parameters(), learningRate: 3e-3, beta2: 0.98)
        let trainer = Trainer(task: task, optimizer: optimizer,
                              options: TrainerOptions(steps: steps, schedule: InverseSquareRootSchedule(peak: 3e-3, warmupSteps: 30), maxGradientNorm: 1,
                                                      evaluateEvery: nil, seed: 3),
                              folder: folder, metricName: "bleu")
        trainer.output = { _ in }
        trainer.terminal = false
        return try trainer.run()
    }

    func testTinyTransformerLearnsToReverse() throws { try learnsToReverse(.transformer, exact: 40, greedyExact: 35, bleu: 70) }

    /// The LSTM finds the reversal's alignment later than the Transformer (30 of 50 exact after
    /// 1,000 steps, where the Transformer has 40 after 400); chance is 0.
    func testTinyLSTMWithAttentionLearnsToReverse() throws {
        try learnsToReverse(.lstm, steps: 1000, exact: 25, greedyExact: 20, bleu: 50)
    }

    func learnsToReverse(_ architecture: TranslationArchitecture, steps: Int = 400, exact minimum: Int, greedyExact: Int,
                         bleu: Double) throws {
        let test = reversalPairs(50, seed: 99)
        let task = try makeTask(seed: 5, dev: test, architecture: architecture)
        let outcome = try train(task, steps: steps, folder: dir + "/run")
        XCTAssertNotNil(outcome.lastEvaluation)
        let greedy = task.translator.translate(test.map(\.source), options: BeamSearchOptions(beamSize: 1))
        let beam = task.translator.translate(test.map(\.source), options: BeamSearchOptions(beamSize: 4))
        let exact = zip(beam, test).filter { $0 == $1.target }.count
        XCTAssertGreaterThanOrEqual(exact, minimum, "beam: \(Array(zip(beam, test.map(\.target)).prefix(5)))")
        XCTAssertGreaterThanOrEqual(zip(greedy, test).filter { $0 == $1.target }.count, greedyExact)
        let score = TranslationScore(hypotheses: beam, references: test.map(\.target), targetLanguage: "en")
        XCTAssertGreaterThan(score.bleu.score, bleu)
    }

    func testSameSeedGivesTheSameModel() throws {
        let a = try makeTask(seed: 5), b = try makeTask(seed: 5)
        _ = try train(a, steps: 8, folder: dir + "/a")
        _ = try train(b, steps: 8, folder: dir + "/b")
        for (wa, wb) in zip(a.network.parameters(), b.network.parameters()) {
            XCTAssertEqual(Array(UnsafeBufferPointer(start: wa.data, count: wa.count)), Array(UnsafeBufferPointer(start: wb.data, count: wb.count)))
        }
    }

    func testBeamSearchRowsAreIndependentOfTheBatch() throws {
        for architecture in TranslationArchitecture.allCases { try beamRowsAreIndependent(architecture) }
    }

    func beamRowsAreIndependent(_ architecture: TranslationArchitecture) throws {
        let task = try makeTask(seed: 5, architecture: architecture)
        _ = try train(task, steps: 30, folder: dir + "/run")
        let sources = reversalPairs(6, seed: 4).map(\.source)
        let together = task.translator.translate(sources, options: BeamSearchOptions(beamSize: 3), batchSize: 6)
        let alone = sources.map { task.translator.translate([$0], options: BeamSearchOptions(beamSize: 3))[0] }
        XCTAssertEqual(together, alone, "\(architecture)")
    }
}
