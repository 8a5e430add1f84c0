import Foundation
import XCTest

/// `nlp generate` end to end on models that `nlp pretrain` makes in a few steps.
final class GenerateCommandTests: XCTestCase {
    static var dir: URL!
    static var gpt: String { dir.appendingPathComponent("gpt").path }
    static var lstm: String { dir.appendingPathComponent("lstm").path }
    static var bert: String { dir.appendingPathComponent("bert").path }
    static var bpe: String { dir.appendingPathComponent("bpe").path }

    /// Three tiny character-level models, pre-trained once for all the tests (context 16).
    override class func setUp() {
        super.setUp()
        dir = try! NLPCommand.temporaryDirectory()
        let lines = (0..<300).map { i in ["the cat sat on the mat", "a dog ran in the park", "今天天气很好"][i % 3] + " \(i % 10)" }
        let corpus = dir.appendingPathComponent("corpus.txt").path
        try! Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: corpus))
        for (arch, tokenizer, out) in [("gpt", "char", gpt), ("lstm", "char", lstm), ("bert", "char", bert), ("gpt", "bpe", bpe)] {
            let result = try! NLPCommand.run(["pretrain", "--arch", arch, "--train-tokenizer", tokenizer, "--vocab-size", "300", corpus, "-o", out,
                                              "--steps", "30", "--eval-every", "30", "--layers", "1", "--dim", "32", "--heads", "2",
                                              "--context", "16", "--batch-size", "8", "--threads", "1"])
            precondition(result.status == 0, "pretrain \(arch): \(result.stderr)")
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: dir)
        super.tearDown()
    }

    func generate(_ arguments: [String]) throws -> CommandResult {
        try NLPCommand.run(["generate", "--threads", "1"] + arguments)
    }

    func testTheSameSeedGivesTheSameText() throws {
        for model in [Self.gpt, Self.lstm] {
            let args = ["--model", model, "--prompt", "the ", "--max-new-tokens", "40", "--seed", "7", "--top-k", "20", "--top-p", "0.95",
                        "--temperature", "0.9", "--repetition-penalty", "1.1"]
            let a = try generate(args), b = try generate(args)
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(a.stdout, b.stdout)
            XCTAssertTrue(a.stdout.hasPrefix("the "), a.stdout)
            XCTAssertGreaterThan(a.stdout.unicodeScalars.count, 5, a.stdout)
            var other = args
            other[other.firstIndex(of: "7")!] = "8"
            XCTAssertNotEqual(try generate(other).stdout, a.stdout, "another seed, another text")
        }
    }

    func testSamplesPromptsFilesGreedyAndBeam() throws {
        let prompts = Self.dir.appendingPathComponent("prompts.txt").path
        try "the cat\n今天\n".write(toFile: prompts, atomically: true, encoding: .utf8)
        let samples = try generate(["--model", Self.gpt, "--prompts", prompts, "--num-samples", "2", "--max-new-tokens", "10"])
        XCTAssertEqual(samples.status, 0, samples.stderr)
        let parts = samples.stdout.components(separatedBy: "---\n")
        XCTAssertEqual(parts.count, 4, samples.stdout)
        XCTAssertTrue(parts[0].hasPrefix("the cat") && parts[2].hasPrefix("今天"), samples.stdout)

        let greedy = try generate(["--model", Self.gpt, "--prompt", "the", "--greedy", "--max-new-tokens", "12"])
        let oneBeam = try generate(["--model", Self.gpt, "--prompt", "the", "--beam", "1", "--max-new-tokens", "12"])
        XCTAssertEqual(greedy.status, 0, greedy.stderr)
        XCTAssertEqual(greedy.stdout, oneBeam.stdout, "one beam is greedy")
        let beams = try generate(["--model", Self.gpt, "--prompt", "the", "--beam", "4", "--max-new-tokens", "12"])
        XCTAssertEqual(beams.status, 0, beams.stderr)
        XCTAssertTrue(beams.stdout.hasPrefix("the"), beams.stdout)
    }

    /// A byte-level BPE model (Chinese characters split into several tokens) continues a Chinese prompt.
    func testByteLevelBPEModelContinuesChinese() throws {
        let result = try generate(["--model", Self.bpe, "--prompt", "今天天气", "--max-new-tokens", "40", "--seed", "2", "--ignore-end-of-text"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("今天天气"), result.stdout)
        XCTAssertGreaterThan(result.stdout.unicodeScalars.count, 8, result.stdout)
    }

    func testStopStringEndsTheText() throws {
        let free = try generate(["--model", Self.gpt, "--prompt", "a", "--max-new-tokens", "60", "--seed", "3"])
        let text = free.stdout.dropLast()   // the final newline
        guard text.unicodeScalars.count > 12 else { throw XCTSkip("the sample ended early: \(free.stdout)") }
        let stop = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(8).prefix(2)))
        let cut = try generate(["--model", Self.gpt, "--prompt", "a", "--max-new-tokens", "60", "--seed", "3", "--stop", stop])
        XCTAssertEqual(cut.status, 0, cut.stderr)
        let body = String(cut.stdout.dropLast())
        XCTAssertTrue(text.hasPrefix(body + stop), "\(body.debugDescription) + \(stop.debugDescription) vs \(text.debugDescription)")
    }

    func testALongPromptIsCroppedWithANotice() throws {
        let prompt = String(repeating: "the cat sat ", count: 5)   // 60 characters, context 16
        let result = try generate(["--model", Self.gpt, "--prompt", prompt, "--max-new-tokens", "30"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("more than the model's context of 16"), result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix(prompt), result.stdout)
        let lstm = try generate(["--model", Self.lstm, "--prompt", prompt, "--max-new-tokens", "5"])
        XCTAssertFalse(lstm.stderr.contains("cropped"), "a recurrent model has no context limit: \(lstm.stderr)")
    }

    /// Tokens reach stdout while the model is still generating (the process is still running).
    func testTokensStreamAsTheyAreSampled() throws {
        let process = Process()
        process.executableURL = NLPCommand.executable
        process.arguments = ["generate", "--threads", "1", "--model", Self.gpt, "--prompt", "the", "--max-new-tokens", "1000000",
                             "--ignore-end-of-text"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        var received = Data()
        while received.count < 200 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        XCTAssertGreaterThanOrEqual(received.count, 200)
        XCTAssertTrue(process.isRunning, "a million tokens take a while: the first ones came out before the end")
    }

    func testBadInputIsOneClearLine() throws {
        let unknown = try generate(["--model", Self.gpt, "--prompt", "☃☃"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr, "nlp: error: --prompt: the prompt has only characters the model's vocabulary lacks: “☃” (U+2603)\n")
        let empty = try generate(["--model", Self.gpt, "--prompt", ""])
        XCTAssertEqual(empty.status, 1)
        XCTAssertEqual(empty.stderr, "nlp: error: --prompt: the prompt is empty: give some text to continue\n")
        XCTAssertEqual(empty.stdout, "")
        let notLM = try generate(["--model", Self.bert, "--prompt", "the"])
        XCTAssertEqual(notLM.status, 1)
        XCTAssertTrue(notLM.stderr.hasPrefix("nlp: error: a BERT masked language model (it fills in blanks) is not a language model"), notLM.stderr)
        XCTAssertEqual(notLM.stderr.split(separator: "\n").count, 1)

        let prompts = Self.dir.appendingPathComponent("bad-prompts.txt").path
        try "the cat\n\nthe dog\n".write(toFile: prompts, atomically: true, encoding: .utf8)
        let blank = try generate(["--model", Self.gpt, "--prompts", prompts])
        XCTAssertEqual(blank.status, 1)
        XCTAssertEqual(blank.stderr, "nlp: error: \(prompts):2: the prompt is empty: give some text to continue\n")
        XCTAssertEqual(blank.stdout, "", "every prompt is checked before the first is generated")

        let partly = try generate(["--model", Self.gpt, "--prompt", "the ☃", "--max-new-tokens", "3"])
        XCTAssertEqual(partly.status, 0, partly.stderr)
        XCTAssertTrue(partly.stderr.contains("lacks “☃” (U+2603)"), partly.stderr)

        for usage in [["--prompt", "a", "--top-p", "0"], ["--prompt", "a", "--temperature", "-1"], ["--prompt", "a", "--beam", "2", "--top-k", "3"],
                      ["--prompt", "a", "--greedy", "--temperature", "0.5"], ["--prompt", "a", "--stop", ""],
                      [], ["--prompt", "a", "--prompts", prompts]] {
            let result = try generate(["--model", Self.gpt] + usage)
            XCTAssertEqual(result.status, 2, "\(usage): \(result.stderr)")
        }
        let missing = try generate(["--model", Self.dir.appendingPathComponent("nothing").path, "--prompt", "a"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
    }
}
