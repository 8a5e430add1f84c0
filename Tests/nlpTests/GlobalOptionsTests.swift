import XCTest

final class GlobalOptionsTests: XCTestCase {
    func testVersionAndHelp() throws {
        let version = try NLPCommand.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
        let help = try NLPCommand.run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE: nlp"), help.stdout)
    }

    func testUnknownSubcommandIsAUsageError() throws {
        let result = try NLPCommand.run(["no-such-command"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr, "nlp: error: Unexpected argument 'no-such-command' (see 'nlp --help')\n")
    }

    func testAnOptionOutOfItsRangeIsOneLine() throws {
        let result = try NLPCommand.run(["finetune", "--epochs", "0", "rows.tsv"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.stderr, "nlp: error: --epochs must be between 1 and 1000, got 0 (see 'nlp finetune --help')\n")
    }
}
