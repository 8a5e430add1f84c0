import Foundation
import NLPKit

/// `nlp-bench tokenizers MODE …`: our side of bench/tokenizers.py. Each mode prints one JSON line.
///   encode --tokenizer T --input FILE [--runs N] [--threads N] [--batch [--alternate-threads M]]
///       MB/s over the lines of FILE (UTF-8 bytes without newlines), encode() per line on one thread,
///       or encodeBatch(all lines) on --threads; padding and truncation off; median of --runs.
///       --alternate-threads M: the batch runs alternate between --threads and M threads (its
///       figures under "alternate", with each adjacent pair's speed-up as "pair_ratios"), so that
///       both see the same drift of this machine's speed.
///   load --tokenizer T [--runs N]          milliseconds to load tokenizer.json
///   train --model bpe|wordpiece --vocab-size N --output T FILES…   trainer seconds and peak RSS
enum TokenizerBench {
    static func run(_ arguments: [String]) throws {
        guard let mode = arguments.first else { throw BenchError("tokenizers: expected a mode: encode, load, train") }
        var options: [String: String] = [:]
        var flags: Set<String> = []
        var files: [String] = []
        var i = 1
        while i < arguments.count {
            let a = arguments[i]
            if a == "--batch" {
                flags.insert(a)
            } else if a.hasPrefix("--"), i + 1 < arguments.count {
                options[a] = arguments[i + 1]
                i += 1
            } else {
                files.append(a)
            }
            i += 1
        }
        let runs = Int(options["--runs"] ?? "5") ?? 5
        switch mode {
        case "encode":
            guard let path = options["--tokenizer"], let input = options["--input"] else {
                throw BenchError("encode needs --tokenizer and --input")
            }
            var tokenizer = try Tokenizer(contentsOfFile: path)
            tokenizer.padding = nil
            tokenizer.truncation = nil
            let lines = try readLines(input)
            let bytes = lines.reduce(0) { $0 + $1.utf8.count }
            let threads = Int(options["--threads"] ?? "1") ?? 1
            let batch = flags.contains("--batch")
            let alternate = batch ? options["--alternate-threads"].flatMap { Int($0) } : nil
            // Each thread count: wall seconds and CPU seconds of its timed runs.
            var times: [Int: [Double]] = [:], cpuTimes: [Int: [Double]] = [:]
            var tokens = 0
            // The timed runs in order (thread count, wall seconds): the pairs for `pair_ratios`.
            var timedRuns: [(threads: Int, seconds: Double)] = []
            let schedule = alternate.map { other in
                // Warm-ups of both, then pairs whose order swaps each time.
                [threads, other] + (0..<runs).flatMap { $0 % 2 == 0 ? [threads, other] : [other, threads] }
            } ?? Array(repeating: threads, count: runs + 1)
            let warmUps = alternate == nil ? 1 : 2
            for (run, runThreads) in schedule.enumerated() {
                let cpuStart = processCPUSeconds()
                let start = DispatchTime.now().uptimeNanoseconds
                var count = 0
                if batch {
                    // Made and freed inside the timing, as HF's list of encodings is in bench/tokenizers.py;
                    // the tokens are counted in the warm-up run only (a pass over 100k cold encodings
                    // on the calling thread would be timed serial work that HF's side does not do).
                    let encodings = tokenizer.encodeBatch(lines, threads: runThreads)
                    count = run == 0 ? encodings.reduce(0) { $0 + $1.count } : tokens
                } else {
                    for line in lines { count += tokenizer.encode(line).count }
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if run >= warmUps {
                    times[runThreads, default: []].append(seconds)
                    timedRuns.append((runThreads, seconds))
                    cpuTimes[runThreads, default: []].append(processCPUSeconds() - cpuStart)
                }
                tokens = count
            }
            func rates(_ seconds: [Double]?) -> [Double] { (seconds ?? []).map { Double(bytes) / $0 / 1e6 }.sorted() }
            let wall = rates(times[threads])
            var fields: [String: Any] = ["mode": batch ? "encodeBatch" : "encode", "threads": threads, "lines": lines.count,
                                         "bytes": bytes, "tokens": tokens, "mb_per_s": wall,
                                         // MB per CPU-second: what the code costs, whatever else the machine is running.
                                         "mb_per_cpu_s": rates(cpuTimes[threads])]
            if let alternate, alternate != threads {
                let other = rates(times[alternate])
                fields["alternate"] = ["threads": alternate, "mb_per_s": other, "mb_per_cpu_s": rates(cpuTimes[alternate]),
                                       "median": other.isEmpty ? 0 : other[other.count / 2],
                                       // Each pair's speed-up of M threads over N (the two runs of a pair
                                       // follow each other, so they saw the same drift of the machine's speed).
                                       "pair_ratios": stride(from: 0, to: timedRuns.count - 1, by: 2).map { k -> Double in
                                           let (a, b) = (timedRuns[k], timedRuns[k + 1])
                                           return a.threads == threads ? a.seconds / b.seconds : b.seconds / a.seconds
                                       }]
            }
            print(json(fields, median: wall))
        case "load":
            guard let path = options["--tokenizer"] else { throw BenchError("load needs --tokenizer") }
            var times: [Double] = []
            for run in 0...runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try Tokenizer(contentsOfFile: path)
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                if run > 0 { times.append(ms) }
            }
            let sorted = times.sorted()
            print(json(["mode": "load", "ms": sorted], median: sorted))
        case "train":
            guard let kind = options["--model"], let size = Int(options["--vocab-size"] ?? ""), let output = options["--output"] else {
                throw BenchError("train needs --model, --vocab-size and --output")
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let tokenizer: Tokenizer
            switch kind {
            case "bpe": tokenizer = try TokenizerTraining.byteLevelBPE(files: files, vocabularySize: size)
            case "wordpiece": tokenizer = try TokenizerTraining.wordPiece(files: files, vocabularySize: size)
            default: throw BenchError("--model must be bpe or wordpiece")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            try tokenizer.save(toFile: output)
            print(json(["mode": "train", "model": kind, "seconds": [seconds], "peak_rss_mb": [peakResidentMegabytes()],
                        "vocab_size": tokenizer.vocabularySize], median: [seconds]))
        default:
            throw BenchError("tokenizers: unknown mode \(mode)")
        }
    }

    /// Lines split on \n only.
    static func readLines(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// User + system CPU time of the process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kb / 1024
        }
        return -1
    }

    private static func json(_ fields: [String: Any], median values: [Double]) -> String {
        var f = fields
        f["median"] = values.isEmpty ? 0 : values[values.count / 2]
        let data = try! JSONSerialization.data(withJSONObject: f, options: [.sortedKeys])
        return "{\"area\":\"tokenizers\"," + String(decoding: data.dropFirst(), as: UTF8.self)
    }
}

