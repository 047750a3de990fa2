import Foundation
import Results
import Support
import Testing

/// Two real `longlora run` processes on one spec and one results folder split the runs:
/// the shared base model is pretrained once (the other process waits for it), every run is
/// done by exactly one of them, and the result file holds every run under a valid seal.
@Suite struct ConcurrentRunnersTests {
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

    func start(_ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
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

    /// N from the runner's summary line `together: N completed, ...`.
    static func count(_ word: String, in output: String) -> Int {
        for line in output.split(separator: "\n") where line.hasPrefix("together: ") {
            let parts = line.dropFirst("together: ".count).split(separator: ",")
            for part in parts {
                let words = part.split(separator: " ")
                if words.count >= 2, words[1] == Substring(word), let n = Int(words[0]) { return n }
            }
        }
        return -1
    }
}
