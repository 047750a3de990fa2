import Foundation
import Testing
import Metrics
import Support

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

    /// A run's peak covers its own span: memory touched and released before the meter
    /// starts does not count, memory touched during the span does. Other tests may restart
    /// the peak concurrently, which can only lower it to the current resident set, which
    /// still holds the buffer while it is checked.
    @Test func meterPeakIsPerSpan() throws {
        #if os(Linux)
        let size = 256 << 20
        do {  // touch and free a large buffer before the span
            let before = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
            for page in stride(from: 0, to: size, by: 4096) { before.storeBytes(of: 1, toByteOffset: page, as: UInt8.self) }
            before.deallocate()
        }
        let meter = ResourceMeter()
        let startPeak = ProcessStats.peakRSSBytes()
        #expect(startPeak < ProcessStats.currentRSSBytes() + size / 2, "the restarted peak still holds the freed buffer")
        let during = UnsafeMutableRawPointer.allocate(byteCount: 64 << 20, alignment: 4096)
        defer { during.deallocate() }
        for page in stride(from: 0, to: 64 << 20, by: 4096) { during.storeBytes(of: 1, toByteOffset: page, as: UInt8.self) }
        let used = meter.finish(tokens: 1, flops: 1, sgemmPeakGFLOPs: nil)
        #expect(used.peakRSSBytes >= 64 << 20)
        #expect(used.peakRSSBytes >= ProcessStats.currentRSSBytes() - 4096)
        #endif
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
