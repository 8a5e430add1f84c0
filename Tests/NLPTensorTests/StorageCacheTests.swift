import XCTest
@testable import NLPTensor

final class StorageCacheTests: XCTestCase {
    func testSizeClassesCoverRequests() {
        var previous = 0
        for c in 0..<100 {
            let size = StorageCache.bytes(ofClass: c)
            XCTAssertGreaterThan(size, previous)
            XCTAssertEqual(StorageCache.sizeClass(forBytes: size), c, "the largest request of a class maps to it")
            XCTAssertEqual(StorageCache.sizeClass(forBytes: previous + 1), c, "the smallest request of a class maps to it")
            XCTAssertLessThanOrEqual(Double(size), Double(previous + 1) * 1.25 + 64, "at most a quarter slack")
            previous = size
        }
    }

    func testBuffersAreReusedAndAligned() {
        var first: UnsafeMutablePointer<Float>?
        do {
            let t = Tensor(uninitializedShape: [1000, 333])
            first = t.data
            XCTAssertEqual(Int(bitPattern: t.data) % 64, 0)
        }
        let again = Tensor(uninitializedShape: [1000, 333])
        XCTAssertEqual(again.data, first, "a freed buffer of the same size class comes back")
    }
}
