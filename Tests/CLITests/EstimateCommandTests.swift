import Foundation
import Testing

/// `flops` and `estimate` with `--model PATH`, ZeRO offload and `--max-context`.
@Suite struct EstimateCommandTests {
    static let smolLM2 = ReleaseBuild.repository.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")

    @Test func ggufModelPath() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smolLM2.path), "run `bash scripts/setup.sh`")
        let flops = try CLI.run(["flops", "--model", Self.smolLM2.path, "--context", "2048", "--format", "csv"])
        #expect(flops.status == 0, "\(flops.stderr)")
        #expect(flops.stdout.contains("\nSmolLM2-135M-Instruct.Q4_1.gguf,2048,full,"))
        let estimate = try CLI.run(["estimate", "--model", Self.smolLM2.path, "--method", "longlora", "--context", "4096"])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        #expect(estimate.stdout.contains("134515008 parameters; d = 576, 30 layers, 9 heads sharing 3 key/value heads, head dim 64"))
    }

    @Test func badModelPathsAreUsageErrorsNamingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gguf = dir.appendingPathComponent("truncated.gguf")
        try Data("GGUF".utf8).write(to: gguf)
        for (path, says) in [(gguf.path, "truncated.gguf"), (dir.path, "no config.json"), ("nowhere/x.gguf", "unknown model 'nowhere/x.gguf'")] {
            for command in [["flops", "--context", "64"], ["estimate", "--method", "full", "--context", "64"]] {
                let out = try CLI.run(command + ["--model", path])
                #expect(out.status == 2 && out.stderr.contains(says), "\(command) \(path): \(out.stderr)")
            }
        }
    }

    @Test func offloadColumnsAndConflicts() throws {
        let out = try CLI.run(["estimate", "--model", "llama2-7b", "--method", "longlora", "--context", "8192",
                               "--ds-config", "stage3", "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("model,method,context,gpus,zero,device,memory_gb,fits,hours,params_gb,grads_gb,optimizer_gb,buffers_gb,activations_gb,logits_gb,overhead_gb,offload,gathered_gb,cpu_ram_gb\n"))
        #expect(out.stdout.contains("\nllama2-7b,longlora,8192,8,3,a100-80gb,"))
        #expect(out.stdout.contains(",optimizer+params,"))
        let both = try CLI.run(["estimate", "--model", "llama2-7b", "--method", "full", "--context", "8192",
                                "--ds-config", "stage3", "--zero", "2"])
        #expect(both.status == 2 && both.stderr.contains("--ds-config stage3"))
        let params = try CLI.run(["estimate", "--model", "llama2-7b", "--method", "full", "--context", "8192", "--offload-params"])
        #expect(params.status == 2 && params.stderr.contains("ZeRO stage 3"), "\(params.stderr)")
    }

    @Test func maxContextBesideThePaper() throws {
        let out = try CLI.run(["estimate", "--max-context", "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "model,paper_max_context,max_context,memory_gb,cpu_ram_gb,limit_context,memory_gb_at_paper,fits_at_paper")
        #expect(lines.count == 4)
        for (model, paper) in [("llama2-7b", 100000), ("llama2-13b", 65536), ("llama2-70b", 32768)] {
            #expect(lines.contains { $0.hasPrefix("\(model),\(paper),") }, "\(lines)")
        }
        let md = try CLI.run(["estimate", "--max-context", "--model", "llama2-7b", "--ds-config", "stage2"])
        #expect(md.status == 0 && md.stdout.contains("ZeRO stage 2;"), "\(md.stdout)")
        // Full attention has no group size: every candidate is one it can train.
        let full = try CLI.run(["estimate", "--max-context", "--model", "micro", "--method", "full", "--format", "csv"])
        #expect(full.status == 0 && full.stdout.contains("\nmicro,-,1048576,"), "\(full.stdout)")
    }
}
