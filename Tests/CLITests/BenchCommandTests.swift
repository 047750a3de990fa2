import Foundation
import Results
import Testing

@Suite struct BenchCommandTests {
    /// A tiny bench end to end: rows measured in child processes, the table printed and
    /// written to HDF5 with one run per pattern, the tokenizer run, and provenance.
    @Test func writesThroughputAndTokenizerTables() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out/bench.h5")
        let out = try CLI.run(["bench", "--model", "micro", "--lengths", "32,64", "--patterns", "full,s2",
                               "--steps", "1", "--tokens-per-step", "64", "--sgemm-size", "64",
                               "--tokenizer-bytes", "4096", "--threads", "1", "--out", url.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("| tokenizer | MB/s | tokens/byte |"))
        let file = try ResultFile.read(url)
        #expect(file.header.experiment == "bench")
        #expect(file.runs.map(\.id) == ["train-full", "train-s2", "tokenizer"])
        let full = try #require(file.run("train-full")?.eval["throughput"])
        #expect(full.rowCount == 2)
        #expect(full["context"] == .int([32, 64]))
        #expect(full["batch"] == .int([2, 1]))
        for name in ["tokens_per_s", "gflops", "peak_fraction", "local_peak_fraction"] {
            guard case .double(let xs) = full[name] else { Issue.record("\(name) missing"); continue }
            #expect(xs.allSatisfy { $0 > 0 && $0.isFinite }, "\(name): \(xs)")
        }
        guard case .int(let rss) = full["peak_rss_bytes"] else { Issue.record("peak_rss_bytes missing"); return }
        #expect(rss.allSatisfy { $0 > 1_000_000 })
        guard case .int(let growth) = full["rss_growth_bytes"] else { Issue.record("rss_growth_bytes missing"); return }
        #expect(zip(growth, rss).allSatisfy { $0 > 0 && $0 < $1 })
        let tok = try #require(file.run("tokenizer")?.eval["tokenizer"])
        #expect(tok["tokenizer"] == .string(["byte", "bpe-1024"]))
        guard case .double(let perByte) = tok["tokens_per_byte"] else { Issue.record("tokens_per_byte missing"); return }
        #expect(perByte[0] == 1 && perByte[1] < 1)  // BPE compresses the generated text
        #expect(file.run("train-s2")?.provenance.cpuCount ?? 0 > 0)
        guard case .double(let peak) = file.run("train-full")?.attributes["sgemm_peak_gflops"] else {
            Issue.record("sgemm_peak_gflops missing"); return
        }
        #expect(peak > 0)
    }

    @Test func badLengthIsAUsageErrorAndWritesNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bench.h5")
        let out = try CLI.run(["bench", "--model", "micro", "--lengths", "64,x", "--out", url.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("'x' is not a positive integer"))
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
