import Foundation
import Testing
import Metrics

@Suite struct ResourceTests {
    @Test func meterReportsConsistentRates() {
        let meter = ResourceMeter()
        var x = 0.0
        for i in 0..<200_000 { x += Double(i).squareRoot() }
        #expect(x > 0)
        let used = meter.finish(tokens: 1000, flops: 2e9, sgemmPeakGFLOPs: 4)
        #expect(used.wallSeconds > 0 && used.cpuSeconds >= 0)
        #expect(used.peakRSSBytes > 1_000_000)  // any Swift process uses more than 1 MB
        #expect(abs(used.tokensPerSecond * used.wallSeconds - 1000) < 1e-6)
        #expect(abs(used.achievedGFLOPs * used.wallSeconds - 2) < 1e-9)
        #expect(abs(used.fractionOfSgemmPeak! - used.achievedGFLOPs / 4) < 1e-12)
        #expect(meter.finish(tokens: 1, flops: 1, sgemmPeakGFLOPs: nil).fractionOfSgemmPeak == nil)
    }

    @Test func sgemmPeakIsCachedPerMachine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("cache/machine.json")
        let first = try SgemmPeak.cached(at: url, size: 128, repetitions: 2)
        #expect(first.gflops > 0 && first.size == 128)
        #expect(FileManager.default.fileExists(atPath: url.path))
        // Second call reads the file instead of measuring again.
        let second = try SgemmPeak.cached(at: url, size: 128, repetitions: 2)
        #expect(second == first)
        // A different thread count is a different key, and a file with another key is
        // measured again. (The test does not change the process's BLAS threads: other
        // tests running beside it rely on them for bit-identical results.)
        let threads = first.threads
        #expect(SgemmPeak.machineKey(threads: threads + 1) != first.key)
        var foreign = first
        foreign.key = SgemmPeak.machineKey(threads: threads + 1)
        foreign.gflops = -1
        try JSONEncoder().encode(foreign).write(to: url)
        let other = try SgemmPeak.cached(at: url, size: 128, repetitions: 1)
        #expect(other.key == first.key && other.gflops > 0)
    }

    @Test func corruptCacheIsAUserError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("machine.json")
        try Data("not json".utf8).write(to: url)
        #expect(throws: (any Error).self) { try SgemmPeak.cached(at: url, size: 64) }
    }
}
