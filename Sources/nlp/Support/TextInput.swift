#if canImport(Glibc)
import Glibc
#endif
import NLPKit

/// Opens a command's text input (a file, or standard input for `-`), refusing an empty file up front:
/// a command given an empty file almost always got the wrong path, and an empty output would hide
/// that. Empty standard input is allowed (a pipeline with nothing to do). A regular file is read
/// through once first, so that a bad line (invalid UTF-8 unless `lossy`, or over `maxLineBytes`) is
/// reported before the command writes any output.
func openTextInput(_ path: String?, lossy: Bool = false, maxLineBytes: Int = 64 << 20) throws -> LineReader {
    if let path, path != "-" {
        try requireNonEmptyFile(path, expected: "one text a line")
        if isRegularFile(path), let problem = try LineReader.firstProblem(in: path, maxLineBytes: maxLineBytes, lossy: lossy) {
            throw problem
        }
    }
    return try LineReader(path: path, maxLineBytes: maxLineBytes)
}

private func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
}

/// An empty regular file is an error naming it; a missing file is left to the reader to report.
func requireNonEmptyFile(_ path: String, expected: String) throws {
    var info = stat()
    if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0 {
        throw InputError(file: path, "is empty; expected \(expected)")
    }
}
