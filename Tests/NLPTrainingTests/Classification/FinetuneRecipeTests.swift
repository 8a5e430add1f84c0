import NLPModels
@testable import NLPTraining
import XCTest

final class FinetuneRecipeTests: XCTestCase {
    func settings(_ values: [String: Any]) throws -> FinetuneSettings {
        try FinetuneRecipe.settings(forBase: ConfigJSON(values: values))
    }

    /// BERT-base keeps the general defaults; MiniLM (384 wide) learns faster; the 256-wide Chinese
    /// base also gets more epochs; the length never passes the base's positions.
    func testSettingsFollowTheBaseSize() throws {
        let base = try settings(["hidden_size": 768, "max_position_embeddings": 512])
        XCTAssertEqual(base.epochs, 3)
        XCTAssertEqual(base.learningRate, 5e-5)
        XCTAssertEqual(base.maxLength, 128)

        let miniLM = try settings(["hidden_size": 384, "max_position_embeddings": 512])
        XCTAssertEqual(miniLM.epochs, 3)
        XCTAssertEqual(miniLM.learningRate, 1e-4)

        let chinese = try settings(["hidden_size": 256, "max_position_embeddings": 64])
        XCTAssertEqual(chinese.epochs, 6)
        XCTAssertEqual(chinese.learningRate, 1e-4)
        XCTAssertEqual(chinese.maxLength, 64)
    }
}
