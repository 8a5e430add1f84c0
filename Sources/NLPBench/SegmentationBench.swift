import Foundation
import NLPKit

/// `nlp-bench segmentation --text FILE [--model DIR] [--runs N] [--modes dict,tagger,icu]`: single-
/// thread segmentation speed of each mode on the lines of FILE (the model loaded first, not timed).
/// Prints one JSON line a mode: bytes, words, the wall and CPU time of each run, the median MB/s.
func runSegmentationBench(_ arguments: [String]) throws {
    var textPath: String?
    var modelPath: String?
    var runs = 5
    var modes = ["dict", "tagger", "icu"]
    var i = 0
    while i < arguments.count {
        let value = i + 1 < arguments.count ? arguments[i + 1] : ""
        switch arguments[i] {
        case "--text": textPath = value
        case "--model": modelPath = value
        case "--runs": runs = max(1, Int(value) ?? 5)
        case "--modes": modes = value.split(separator: ",").map(String.init)
        default: throw SegmentationBenchUsage("unknown option \(arguments[i])")
        }
        i += 2
    }
    guard let textPath else { throw SegmentationBenchUsage("--text FILE is required") }
    var lines: [String] = []
    let reader = try LineReader(path: textPath)
    for line in reader { lines.append(try line.text()) }
    if let error = reader.error { throw error }
    let bytes = lines.reduce(0) { $0 + $1.utf8.count + 1 }
    let model = try modelPath.map { try SegmenterModel.load(from: $0) } ?? DefaultSegmenterModel.load()

    for mode in modes {
        let segmenter: ChineseSegmenter
        switch mode {
        case "dict": segmenter = try ChineseSegmenter(model: model, mode: .dictionary)
        case "tagger": segmenter = try ChineseSegmenter(model: model, mode: .tagger)
        case "icu": segmenter = .icu
        default: throw SegmentationBenchUsage("unknown mode \(mode)")
        }
        var workspace = ChineseSegmenter.Workspace()
        var ranges: [Range<Int>] = []
        var words = 0
        var seconds: [Double] = []
        var cpuSeconds: [Double] = []
        for run in 0...runs {  // run 0 warms up
            let started = DispatchTime.now().uptimeNanoseconds
            let startedCPU = segmentationThreadCPUSeconds()
            words = 0
            for line in lines {
                ranges.removeAll(keepingCapacity: true)
                segmenter.wordRanges(in: line, workspace: &workspace, into: &ranges)
                words += ranges.count
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if run > 0 {
                seconds.append(elapsed)
                cpuSeconds.append(segmentationThreadCPUSeconds() - startedCPU)
            }
        }
        let median = seconds.sorted()[seconds.count / 2]
        let medianCPU = cpuSeconds.sorted()[cpuSeconds.count / 2]
        let record: [String: Any] = [
            "area": "segmentation", "mode": mode, "bytes": bytes, "lines": lines.count, "words": words,
            "seconds": seconds, "median_seconds": median, "mb_per_s": Double(bytes) / median / 1e6,
            "cpu_seconds": cpuSeconds, "mb_per_cpu_s": Double(bytes) / medianCPU / 1e6,
        ]
        let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        fflush(stdout)
    }
}

/// CPU time of the calling thread: unlike wall time, it does not count the time other processes
/// held the core (the bench machine is shared).
func segmentationThreadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

struct SegmentationBenchUsage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "usage: " + description }
}
