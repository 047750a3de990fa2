import Foundation
import Results
import Testing

/// A process's reported peak RSS is its own. Linux carries ru_maxrss across fork and
/// exec, so a run started by a large process (this test runner, the benchmark's parent)
/// used to report the parent's peak: the regression sweep's memory moved by 18% when
/// `swift test` had grown large.
@Suite struct PeakRSSTests {
    @Test func aChildReportsItsOwnPeakNotItsParents() throws {
        // Make this process's resident set 512 MiB before starting the child.
        let size = 512 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        for i in stride(from: 0, to: size, by: 4096) { buffer[i] = UInt8(truncatingIfNeeded: i >> 12) }
        var touched = 0
        for i in stride(from: 0, to: size, by: 4096) { touched += Int(buffer[i]) }
        #expect(touched > 0)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = ""
        for i in 0..<400 { text += "Line \(i % 37) of a small corpus for a short run.\n" }
        try text.write(to: dir.appendingPathComponent("small.txt"), atomically: true, encoding: .utf8)
        try """
            experiment: rss
            data: {corpus: small, tokenizer: byte}
            model: {preset: micro}
            base: {context: 32, steps: 2, batch_tokens: 64, warmup: 1}
            finetune: {context: 64, attention: full, steps: 2, batch_tokens: 64, warmup: 1, checkpoint_every: 0}
            evaluate: {datasets: [test], lengths: [64], stride: 32, max_windows: 1}

            """.write(to: dir.appendingPathComponent("rss.yaml"), atomically: true, encoding: .utf8)
        let built = try CLI.run(["data", "build", "--corpus", "small", "--from", "small.txt", "--format", "text",
                                 "--data-dir", "data", "--quiet"], in: dir)
        #expect(built.status == 0, "\(built.stderr)")
        // `run` measures its resources in its own process, a direct child of this one.
        let run = try CLI.run(["run", "rss.yaml", "--threads", "1", "--no-plots", "--quiet"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let record = try #require(ResultFile.read(dir.appendingPathComponent("results/rss.h5")).runs.first)
        let rss = try #require(record.metrics["resources"]?["peak_rss_bytes"]?.number)
        // A micro model needs a few tens of MB, far below the parent's 512 MiB.
        #expect(rss > 1e6 && rss < Double(256 << 20), "\(rss)")
    }
}
