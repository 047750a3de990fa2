import Foundation
import Kernels
@testable import Results
import Support
import Testing

/// Seeded random damage to a sealed result file (bytes overwritten in the seal or in the
/// HDF5 body, the file cut short or extended): every case must be a `UserError` naming the
/// file, before libhdf5 reads it. Damage to unsealed files (which libhdf5 reads unverified)
/// is left to `scripts/fuzz.sh`, which runs each case in its own process.
@Suite struct ResultFileFuzzTests {
    @Test func damagedSealedFilesAreUserErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("r.h5")
        try Fixtures.file([Fixtures.run(id: "run-0"), Fixtures.run(id: "run-1")]).write(url)
        let original = [UInt8](try Data(contentsOf: url))
        let block = ResultChecksum.blockSize
        let sealText = original.firstIndex(of: 0)!
        var rng = SplitMix64(seed: 19)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        for number in 0..<200 {
            var bytes = original
            switch below(4) {
            case 0: for _ in 0...below(8) { bytes[block + below(bytes.count - block)] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1: bytes[below(sealText)] ^= UInt8(1 + below(255))  // the NUL padding after it means nothing
            case 2: bytes.removeLast(1 + below(bytes.count - 1))
            default: bytes += (0...below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            if bytes == original { continue }
            try Data(bytes).write(to: url)
            do {
                _ = try ResultFile.read(url)
                Issue.record("case \(number): a damaged file was read")
            } catch let error as UserError {
                #expect(error.message.hasPrefix(url.path), "case \(number): \(error.message)")
            } catch {
                Issue.record("case \(number): not a UserError: \(error)")
            }
        }
    }
}
