import XCTest
@testable import NLPTokenizers

/// components.json from scripts/fixtures/tokenizers.py: HF's outputs for each component on its own.
enum Components {
    static let json: JSON = {
        let data = try! Data(contentsOf: TestFiles.fixture("components.json"))
        return try! data.withUnsafeBytes { try JSONParser.parse($0.bindMemory(to: UInt8.self)) }
    }()

    static func list(_ key: String) -> [JSON] { json[key]?.array ?? [] }
}
