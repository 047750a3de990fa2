import Foundation
import Testing
import Results

/// `longlora run` as a user runs it: killed with SIGKILL after its first fine-tuning
/// checkpoint, then run again, it resumes from that checkpoint and completes.
@Suite struct RunCommandTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-cli-\(UUID().uuidString)")

    static let spec = """
        experiment: killed
        data: {corpus: tiny, tokenizer: byte}
        model: {preset: micro}
        base: {context: 32, steps: 4, batch_tokens: 128, warmup: 1}
        finetune: {context: 64, attention: s2, steps: 30, batch_tokens: 128, warmup: 1, checkpoint_every: 2,
                   lora: {rank: 4, alpha: 8}}
        evaluate: {datasets: [test], lengths: [64], stride: 32, attention: [full], max_windows: 1}

        """

    func tinyCorpus() throws {
        var text = ""
        for i in 0..<1500 { text += "Line \(i % 97) of the tiny corpus: the sky is blue and the sun is bright.\n" }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent("tiny.txt"), atomically: true, encoding: .utf8)
        let built = try CLI.run(["data", "build", "--corpus", "tiny", "--from", "tiny.txt", "--format", "text",
                                 "--data-dir", "data", "--quiet"], in: root)
        #expect(built.status == 0, "\(built.stderr)")
    }

    @Test func killedRunResumesFromItsCheckpoint() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try tinyCorpus()
        try Self.spec.write(to: root.appendingPathComponent("killed.yaml"), atomically: true, encoding: .utf8)
        let arguments = ["run", "killed.yaml", "--threads", "1", "--no-plots", "--quiet"]

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoints = root.appendingPathComponent("results/checkpoints")
        let deadline = Date().addingTimeInterval(60)
        var sawCheckpoint = false
        while Date() < deadline, process.isRunning, !sawCheckpoint {
            let hashes = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
            sawCheckpoint = hashes.contains { hash in
                let steps = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.appendingPathComponent(hash).path)) ?? []
                return steps.contains { $0.hasPrefix("step-") }
            }
            if !sawCheckpoint { usleep(20_000) }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(sawCheckpoint)
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")

        let file = root.appendingPathComponent("results/killed.h5")
        // The run's shard says it was running; the file is assembled when a run ends.
        #expect(ResultShards(of: file).scan(experiment: "killed").runs.map(\.status) == [.running])
        #expect(try ResultFile.read(file).runs.isEmpty)
        #expect(try CLI.run(["status", file.path]).stdout.contains("running (shard, not assembled yet)"))

        let rerun = try CLI.run(arguments, in: root)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let done = try ResultFile.read(file)
        let run = try #require(done.runs.first)
        #expect(done.runs.count == 1 && run.status == .complete)
        #expect(run.curves["loss"]?.count == 30)
        #expect(run.curves["step"] == (1...30).map(Double.init))
        let resumed = run.metrics["training"]?["resumed_from_step"]?.number ?? 0
        #expect(resumed >= 2 && resumed < 30)
        #expect(rerun.stdout.contains("| attention"))
    }

    @Test func aFailedRunIsRecordedAndTheExitStatusIsNonZero() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try tinyCorpus()
        let spec = Self.spec.replacingOccurrences(of: "steps: 30", with: "steps: 2")
            .replacingOccurrences(of: "lengths: [64]", with: "lengths: [1048576]")
        try spec.write(to: root.appendingPathComponent("killed.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "killed.yaml", "--threads", "1", "--no-plots", "--quiet"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("1 run failed"))
        let file = try ResultFile.read(root.appendingPathComponent("results/killed.h5"))
        #expect(file.runs.map(\.status) == [.failed])
        #expect(file.runs.first?.error.contains("1048576") == true, "\(file.runs.first?.error ?? "")")
    }
}
