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

    /// `--compare-torch`: the PyTorch peer (transformers with SDPA, PEFT LoRA+, the official
    /// S2, checked against its mask before it is timed) is measured beside each row; the ratio
    /// is printed and written. A missing Python or a pattern without a peer is an error before
    /// anything is measured.
    @Test func comparesWithThePyTorchPeer() throws {
        let python = ReleaseBuild.repository.appendingPathComponent(".venv-hf/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `bash scripts/setup.sh`")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bench.h5")
        let common = ["bench", "--model", "micro", "--lengths", "32", "--steps", "1", "--tokens-per-step", "64",
                      "--sgemm-size", "64", "--tokenizer-bytes", "1024", "--threads", "1", "--compare-torch", "--out", url.path]
        let out = try CLI.run(common + ["--patterns", "full,s2", "--python", python.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("| PyTorch s/step | PyTorch / ours |"), "\(out.stdout)")
        let file = try ResultFile.read(url)
        #expect(file.header.layout.contains("speedup_over_torch"))
        for run in ["train-full", "train-s2"] {
            let rows = try #require(file.run(run)?.eval["throughput"])
            guard case .double(let torch) = rows["torch_seconds_per_step"], case .double(let ours) = rows["seconds_per_step"],
                  case .double(let ratio) = rows["speedup_over_torch"] else { Issue.record("\(run): columns missing"); continue }
            #expect(torch.count == 1 && torch[0] > 0 && torch[0].isFinite, "\(run): \(torch)")
            #expect(abs(ratio[0] - torch[0] / ours[0]) < 1e-12 * ratio[0], "\(run)")
        }
        let missing = try CLI.run(common + ["--patterns", "full", "--python", dir.appendingPathComponent("no-python").path])
        #expect(missing.status != 0 && missing.stderr.contains("no-python") && missing.stderr.contains("scripts/setup.sh"), "\(missing.stderr)")
        #expect(!missing.stdout.contains("sgemm peak"))
        let unpaired = try CLI.run(common + ["--patterns", "short", "--python", python.path])
        #expect(unpaired.status != 0 && unpaired.stderr.contains("'short' has no PyTorch peer"), "\(unpaired.stderr)")
    }

    /// A real model's shape and tokenizer: the rows train SmolLM2-135M's shape (random
    /// weights), and its own tokenizer is measured beside the byte and BPE ones.
    @Test func aGGUFModelGivesItsShapeAndItsTokenizer() throws {
        let gguf = EstimateCommandTests.smolLM2
        try #require(FileManager.default.fileExists(atPath: gguf.path), "run `bash scripts/setup.sh`")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bench.h5")
        let out = try CLI.run(["bench", "--model", gguf.path, "--lengths", "32", "--patterns", "s2",
                               "--steps", "1", "--tokens-per-step", "32", "--sgemm-size", "64",
                               "--tokenizer-bytes", "4096", "--threads", "1", "--out", url.path])
        #expect(out.status == 0, "\(out.stderr)")
        let file = try ResultFile.read(url)
        let tok = try #require(file.run("tokenizer")?.eval["tokenizer"])
        #expect(tok["tokenizer"] == .string(["byte", "bpe-1024", "SmolLM2-135M-Instruct.Q4_1.gguf"]))
        guard case .double(let perByte) = tok["tokens_per_byte"] else { Issue.record("tokens_per_byte missing"); return }
        #expect(perByte[2] > 0.1 && perByte[2] < 0.5)  // a 49152-token BPE on English-like text
        #expect(out.stdout.contains("SmolLM2-135M-Instruct.Q4_1.gguf"))
        let row = try #require(file.run("train-s2")?.eval["throughput"])
        guard case .double(let gflops) = row["gflops"] else { Issue.record("gflops missing"); return }
        #expect(gflops.allSatisfy { $0 > 0 })
        let missing = try CLI.run(["bench", "--model", dir.appendingPathComponent("none.gguf").path, "--out", url.path])
        #expect(missing.status == 2 && missing.stderr.contains("unknown model"), "\(missing.stderr)")
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
