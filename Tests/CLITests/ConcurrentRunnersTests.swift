import Foundation
import Results
import Support
import Testing

/// Real `longlora run` processes on one spec and one results folder split the runs: the
/// shared base model is pretrained once (the others wait for it), every run is done by
/// exactly one of them, and the result file holds every run under a valid seal.
/// Serialized: each test keeps both cores busy with several runners.
@Suite(.serialized) struct ConcurrentRunnersTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("concurrent-\(UUID().uuidString)")

    /// Three fine-tunes of one base (each its own checkpoint), plus `full-eval`: the `full`
    /// fine-tune evaluated otherwise (a shared checkpoint, trained once).
    static let spec = """
        experiment: together
        data: {corpus: tiny, tokenizer: byte}
        model: {preset: micro}
        base: {context: 32, steps: 40, batch_tokens: 128, warmup: 1}
        finetune: {context: 64, steps: 4, batch_tokens: 128, warmup: 1, lora: {rank: 4, alpha: 8}}
        evaluate: {datasets: [test], lengths: [64], stride: 32, attention: [full], max_windows: 1}
        variants:
          full: {finetune.attention: full}
          full-eval: {finetune.attention: full, evaluate.stride: 64}
          short: {finetune.attention: short}
          s2: {finetune.attention: s2}

        """

    func start(_ arguments: [String], log: URL, binary: URL = CLI.binary) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// The tiny corpus, built, and the spec.
    func prepare() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var text = ""
        for i in 0..<1500 { text += "Line \(i % 97) of the tiny corpus: the sky is blue and the sun is bright.\n" }
        try text.write(to: root.appendingPathComponent("tiny.txt"), atomically: true, encoding: .utf8)
        let built = try CLI.run(["data", "build", "--corpus", "tiny", "--from", "tiny.txt", "--format", "text",
                                 "--data-dir", "data", "--quiet"], in: root)
        try #require(built.status == 0, "\(built.stderr)")
        try Self.spec.write(to: root.appendingPathComponent("together.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func twoRunnersShareTheSweep() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try prepare()

        let arguments = ["run", "together.yaml", "--threads", "1", "--no-plots"]
        let logs = (0..<2).map { root.appendingPathComponent("runner-\($0).log") }
        let processes = try logs.map { try start(arguments, log: $0) }
        for process in processes { process.waitUntilExit() }
        let outputs = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
        for (process, output) in zip(processes, outputs) {
            #expect(process.terminationStatus == 0, "\(output)")
        }

        // One pretraining, waited for by the other runner (both start before it can end).
        let pretrainings = outputs.map { $0.components(separatedBy: "pretraining base model").count - 1 }
        #expect(pretrainings.reduce(0, +) == 1, "\(outputs.joined(separator: "\n----\n"))")
        #expect(outputs.contains { $0.contains("waiting for base model base-") }, "\(outputs.joined(separator: "\n----\n"))")

        // Each run completed by exactly one runner; the other left it or found it complete.
        let completed = outputs.map { Self.count("completed", in: $0) }
        #expect(completed.reduce(0, +) == 4, "\(outputs.joined(separator: "\n----\n"))")
        let url = root.appendingPathComponent("results/together.h5")
        #expect(try ResultChecksum.verify(url) == .sealed)
        let file = try ResultFile.read(url)
        #expect(file.runs.map(\.id).sorted() == ["full,seed=0", "full-eval,seed=0", "s2,seed=0", "short,seed=0"])
        #expect(file.runs.allSatisfy { $0.status == .complete })
        // Every claim was released.
        let claims = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("results/claims").path)) ?? []
        #expect(claims.isEmpty, "\(claims)")
    }

    /// kill -9 of the runner pretraining the shared base: the other one takes the base over
    /// (its claim names a dead process), does every run, the killed runner's claimed run
    /// included, and leaves no claim behind.
    @Test func aKilledRunnersWorkIsTakenOver() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try prepare()
        let arguments = ["run", "together.yaml", "--threads", "1", "--no-plots"]
        let logs = (0..<2).map { root.appendingPathComponent("runner-\($0).log") }
        let processes = try logs.map { try start(arguments, log: $0) }
        func pretraining(_ index: Int) -> Bool {
            ((try? String(contentsOf: logs[index], encoding: .utf8)) ?? "").contains("pretraining base model")
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !pretraining(0), !pretraining(1) { usleep(20_000) }
        let victim = pretraining(0) ? 0 : 1
        kill(processes[victim].processIdentifier, SIGKILL)
        for process in processes { process.waitUntilExit() }
        #expect(processes[victim].terminationReason == .uncaughtSignal, "the runner finished before it could be killed")

        let output = try String(contentsOf: logs[1 - victim], encoding: .utf8)
        #expect(processes[1 - victim].terminationStatus == 0, "\(output)")
        #expect(output.contains("(that process is gone)"), "\(output)")
        #expect(Self.count("completed", in: output) == 4, "\(output)")
        let file = try ResultFile.read(root.appendingPathComponent("results/together.h5"))
        #expect(file.runs.count == 4 && file.runs.allSatisfy { $0.status == .complete }, "\(file.runs.map { "\($0.id) \($0.status)" })")
        let claims = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("results/claims").path)) ?? []
        #expect(claims.isEmpty, "\(claims)")
    }

    // The regression sweep (6 runs of one base) with a release build, as the issue asks:
    // 1, 2 and 4 runners on one results folder record every run once, with a serial run's
    // metrics, and a runner killed mid-sweep loses at most its run in flight.

    static let regressionSpec = ReleaseBuild.repository.appendingPathComponent("experiments/regression-micro.yaml")
    static let baseline = ReleaseBuild.repository.appendingPathComponent("results/baselines/regression-micro.h5")
    static let regressionIDs = ["base-pi,seed=0", "full,seed=0", "s2,seed=0", "s2-full-ft,seed=0", "s2-strided,seed=0", "short,seed=0"]

    /// pg19-mini, built once into `root/data` with `binary`.
    func buildCorpus(_ binary: URL) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let built = Shell.run([binary.path, "data", "build", "--corpus", "pg19-mini", "--data-dir", "data", "--quiet"], in: root)
        try #require(built?.status == 0, "\(String(decoding: built?.stderr ?? Data(), as: UTF8.self))")
    }

    /// `count` runners of the regression sweep at once into `root/<results>`, niced; their logs.
    func sweep(_ binary: URL, runners count: Int, results: String) throws -> [String] {
        let arguments = ["-n", "10", binary.path, "run", Self.regressionSpec.path, "--results-dir", results,
                         "--data-dir", "data", "--threads", "1", "--no-plots"]
        let logs = (0..<count).map { root.appendingPathComponent("\(results)-\($0).log") }
        let processes = try logs.map { try start(arguments, log: $0, binary: URL(fileURLWithPath: "/usr/bin/nice")) }
        for process in processes { process.waitUntilExit() }
        let outputs = try logs.map { try String(contentsOf: $0, encoding: .utf8) }
        for (process, output) in zip(processes, outputs) {
            #expect(process.terminationStatus == 0, "\(output)")
        }
        return outputs
    }

    /// Every run of the sweep once in `results`: one shard each, one complete run each in the file.
    func expectEachRunOnce(_ results: String) throws {
        let folder = root.appendingPathComponent("\(results)/regression-micro.d")
        let shards = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(shards.count == 6, "\(shards)")
        let file = try ResultFile.read(root.appendingPathComponent("\(results)/regression-micro.h5"))
        #expect(file.runs.map(\.id).sorted() == Self.regressionIDs)
        #expect(file.runs.allSatisfy { $0.status == .complete }, "\(file.runs.map { "\($0.id) \($0.status)" })")
    }

    /// `longlora check FILE --baseline BASE` passes with every run compared. Peak RSS is each
    /// process's high-water mark: a runner that only evaluates a shared checkpoint peaks lower
    /// than after the fine-tune in a serial sweep, so it gets the Slurm test's 25%; every
    /// other metric is held to the check's defaults.
    func expectSameMetrics(_ results: String, as baseline: URL) throws {
        let check = try CLI.run(["check", root.appendingPathComponent("\(results)/regression-micro.h5").path,
                                 "--baseline", baseline.path, "--tolerance", "resources/peak_rss_bytes=0.25"])
        #expect(check.status == 0, "\(results): \(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(" in 6 runs compared; 0 regression(s)"), "\(results): \(check.stdout)")
    }

    @Test func oneTwoAndFourRunnersOfTheRegressionSweepAgree() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let binary = try ReleaseBuild.clean()
        try buildCorpus(binary)
        for count in [1, 2, 4] {
            let results = "results-\(count)"
            let outputs = try sweep(binary, runners: count, results: results)
            let all = outputs.joined(separator: "\n----\n")
            #expect(outputs.map { Self.count("completed", in: $0, experiment: "regression-micro") }.reduce(0, +) == 6, "\(all)")
            #expect(outputs.map { $0.components(separatedBy: "pretraining base model").count - 1 }.reduce(0, +) == 1, "\(all)")
            try expectEachRunOnce(results)
            // The serial sweep against the committed baseline, the concurrent ones against it.
            try expectSameMetrics(results, as: count == 1 ? Self.baseline : root.appendingPathComponent("results-1/regression-micro.h5"))
        }
    }

    /// kill -9 of one of two runners while it runs a run (after another run is recorded):
    /// nothing recorded is lost, and a re-run does at most that one run, after which every
    /// run is recorded once with the baseline's metrics.
    @Test func aRunnerKilledMidSweepLosesAtMostItsRun() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let binary = try ReleaseBuild.clean()
        try buildCorpus(binary)
        let arguments = ["run", Self.regressionSpec.path, "--results-dir", "results", "--data-dir", "data",
                         "--threads", "1", "--no-plots"]
        let logs = (0..<2).map { root.appendingPathComponent("runner-\($0).log") }
        let processes = try logs.map { try start(arguments, log: $0, binary: binary) }
        let victim = processes[0]
        let shards = ResultShards(of: root.appendingPathComponent("results/regression-micro.h5")).directory
        let claims = root.appendingPathComponent("results/claims")
        func names(_ folder: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }
        }
        /// The victim holds a run's claim, and some run has ended: three shards mean three runs
        /// started, and each of the two runners does one run at a time.
        func midSweep() -> Bool {
            let victimRuns = names(claims).filter {
                $0.hasPrefix("run-") && ((try? String(contentsOf: claims.appendingPathComponent($0), encoding: .utf8)) ?? "")
                    .contains("pid \(victim.processIdentifier)\n")
            }
            return !victimRuns.isEmpty && names(shards).count >= 3
        }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, victim.isRunning, !midSweep() { usleep(20_000) }
        kill(victim.processIdentifier, SIGKILL)
        for process in processes { process.waitUntilExit() }
        #expect(victim.terminationReason == .uncaughtSignal, "the runner finished before it could be killed")
        let survivor = try String(contentsOf: logs[1], encoding: .utf8)
        #expect(processes[1].terminationStatus == 0, "\(survivor)")

        let rerun = try CLI.run(["run", Self.regressionSpec.path, "--results-dir", "results", "--data-dir", "data",
                                 "--threads", "1", "--no-plots"], in: root)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(Self.count("completed", in: rerun.stderr, experiment: "regression-micro") <= 1, "\(rerun.stderr)")
        try expectEachRunOnce("results")
        try expectSameMetrics("results", as: Self.baseline)
    }

    /// N from the runner's summary line `together: N completed, ...`.
    static func count(_ word: String, in output: String, experiment: String = "together") -> Int {
        for line in output.split(separator: "\n") where line.hasPrefix("\(experiment): ") {
            let parts = line.dropFirst("\(experiment): ".count).split(separator: ",")
            for part in parts {
                let words = part.split(separator: " ")
                if words.count >= 2, words[1] == Substring(word), let n = Int(words[0]) { return n }
            }
        }
        return -1
    }
}
