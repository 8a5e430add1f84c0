import ArgumentParser
import NLPKit

/// `nlp segment`: the words of each input line separated by single spaces, one output line per input
/// line (empty and all-space lines come out empty).
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment Chinese text into words.",
        discussion: "Reads FILE (or standard input) line by line and writes the words of each line separated by single spaces.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var segmenter: SegmenterOptions

    @Flag(help: "Replace invalid UTF-8 by U+FFFD instead of stopping at it.")
    var lossy = false

    @Argument(help: "Text file, or - for standard input.")
    var file: String = "-"

    func run() throws {
        try global.apply()
        let segmenter = try segmenter.makeSegmenter()
        let reader = try openTextInput(file, lossy: lossy)
        var output = SegmenterOutput()
        var workspace = ChineseSegmenter.Workspace()
        var ranges: [Range<Int>] = []
        for line in reader {
            // Validates UTF-8 (one error line naming the line); with --lossy, segments the repaired text.
            let text = try line.text(lossy: lossy)
            let bytes = lossy ? Array(text.utf8) : line.bytes
            ranges.removeAll(keepingCapacity: true)
            bytes.withUnsafeBufferPointer { bytes in
                segmenter.wordRanges(utf8: bytes, workspace: &workspace, into: &ranges)
                for (k, r) in ranges.enumerated() {
                    if k > 0 { output.write(0x20) }
                    output.write(UnsafeBufferPointer(rebasing: bytes[r]))
                }
            }
            output.write(0x0A)
        }
        output.flush()
        if let error = reader.error { throw error }
    }
}
