import Foundation
import Results
import Support
import Testing

/// status, table, plot and check through the command line, and crash safety of the
/// result store under SIGKILL (through the hidden `fixture-results` generator).
@Suite struct ResultsCommandTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Two settings x two seeds with a layout of one table and one figure.
    static func writeExperiment(_ url: URL, perplexityScale: Double = 1) throws {
        let provenance = try JSONDecoder().decode(Provenance.self, from: JSONEncoder().encode(Provenance.current()))
        var runs: [RunRecord] = []
        for attention in ["full", "s2"] {
            for seed: Int64 in [0, 1] {
                let base = attention == "full" ? 10.0 : 11.0
                let ppl = [base + Double(seed), base + 1 + Double(seed)].map { $0 * perplexityScale }
                runs.append(RunRecord(
                    id: "\(attention)-\(seed)", config: #"{"attention": "\#(attention)", "seed": \#(seed)}"#,
                    configHash: "\(attention)-\(seed)", seed: seed, provenance: provenance,
                    curves: ["step": [1, 2, 3], "loss": [3, 2.5, 2.25]],
                    eval: ["pg19-mini": Table([("length", .int([128, 256])), ("perplexity", .double(ppl))])],
                    metrics: ["resources": ["wall_s": 1.5]]))
            }
        }
        let selection = Selection(rows: ["attention"], columns: .eval("length"), value: "eval/pg19-mini/perplexity")
        let layout = Layout(tables: [TableLayout(name: "ppl", selection: selection)],
                            figures: [FigureLayout(name: "ppl", kind: .lines, selection: selection)])
        try ResultFile(header: ResultHeader(experiment: "cli", layout: layout.json()), runs: runs).write(url)
    }

    @Test func statusTableAndPlot() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cli.h5")
        try Self.writeExperiment(file)
        let status = try CLI.run(["status", file.path])
        #expect(status.status == 0)
        #expect(status.stdout.contains("s2-1    complete  1     attention=s2    1.5s"))
        #expect(status.stdout.contains("4 runs: 4 complete, 0 failed, 0 running"))

        // full: seeds give 10, 11 at 128 -> mean 10.5, CI t(0.975,1) * 0.7071 / sqrt(2) = 6.353
        let md = try CLI.run(["table", file.path])
        #expect(md.status == 0)
        #expect(md.stdout.contains("| full | 10.50 ± 6.35 | 11.50 ± 6.35 |"), "\(md.stdout)")
        let out = dir.appendingPathComponent("tables/cli.csv")
        #expect(try CLI.run(["table", file.path, "--format", "csv", "--out", out.path]).status == 0)
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("attention,length,mean,ci95,n\nfull,128,10.5,"))
        #expect(try CLI.run(["table", file.path, "--table", "nope"]).status == 2)

        if Shell.has("gnuplot") {
            let plot = try CLI.run(["plot", file.path, "--format", "png,svg", "--out", dir.appendingPathComponent("plots").path])
            #expect(plot.status == 0, "\(plot.stderr)")
            for name in ["cli-ppl.png", "cli-ppl.svg", "cli-ppl.gp", "cli-ppl.dat"] {
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("plots/\(name)").path), "\(name) missing")
            }
        }
    }

    @Test func checkExitCodes() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base.h5"), same = dir.appendingPathComponent("same.h5")
        let moved = dir.appendingPathComponent("moved.h5"), text = dir.appendingPathComponent("text.h5")
        try Self.writeExperiment(base)
        try Self.writeExperiment(same)
        try Self.writeExperiment(moved, perplexityScale: 1.05)
        try "not hdf5".write(to: text, atomically: true, encoding: .utf8)

        #expect(try CLI.run(["check", same.path, "--baseline", base.path]).status == 0)
        let fail = try CLI.run(["check", moved.path, "--baseline", base.path])
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("REGRESSION") && fail.stdout.contains("eval/pg19-mini/perplexity"))
        #expect(try CLI.run(["check", moved.path, "--baseline", base.path, "--tolerance", "perplexity=0.06"]).status == 0)
        let bad = try CLI.run(["check", text.path, "--baseline", base.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("not a result file"))
        #expect(try CLI.run(["check", same.path, "--baseline", dir.appendingPathComponent("none.h5").path]).status == 2)
        #expect(try CLI.run(["check", same.path]).status == 2)
    }

    /// `status` shows runs whose shards are ahead of the file, and `assemble` brings them in;
    /// a corrupted shard is named by both (exit 2 for `assemble`) and never opened by libhdf5.
    @Test func statusAndAssembleReadTheShards() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("cli.h5")
        try Self.writeExperiment(url)
        let shards = ResultShards(of: url)
        let provenance = try JSONDecoder().decode(Provenance.self, from: JSONEncoder().encode(Provenance.current()))
        let run = RunRecord(id: "short-0", config: #"{"attention": "short", "seed": 0}"#, configHash: "short-0", seed: 0,
                            status: .running, provenance: provenance, started: RunRecord.timestamp())
        try shards.write(run, experiment: "cli")

        let status = try CLI.run(["status", url.path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("running (shard, not assembled yet)"), "\(status.stdout)")
        #expect(status.stdout.contains("5 runs: 4 complete, 0 failed, 1 running"), "\(status.stdout)")
        #expect(status.stdout.contains("short-0  no claim"), "\(status.stdout)")
        #expect(try ResultFile.read(url).runs.count == 4)

        let assembled = try CLI.run(["assemble", url.path])
        #expect(assembled.status == 0, "\(assembled.stderr)")
        #expect(try ResultFile.read(url).runs.map(\.id) == ["full-0", "full-1", "s2-0", "s2-1", "short-0"])
        #expect(!(try CLI.run(["status", url.path])).stdout.contains("not assembled"))

        // A shard cut short.
        let shard = shards.url(of: run)
        let bytes = try Data(contentsOf: shard)
        try bytes.prefix(bytes.count - 10).write(to: shard)
        let refused = try CLI.run(["assemble", url.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("result shard \(shard.path): corrupted result file"), "\(refused.stderr)")
        let named = try CLI.run(["status", url.path])
        #expect(named.status == 0 && named.stdout.contains("unreadable shards") && named.stdout.contains(shard.path), "\(named.stdout)")
    }

    /// kill -9 at random moments while the generator records runs: the file must stay
    /// readable and every run reported complete must be intact. Trials continue until
    /// at least one kill provably landed mid-write (a temporary file was left behind).
    @Test func killMidWriteKeepsCompletedRuns() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var killsMidWrite = 0
        for trial in 0..<20 where killsMidWrite < 2 {
            let url = dir.appendingPathComponent("trial-\(trial).h5")
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["fixture-results", url.path, "--runs", "40", "--points", "20000"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            // Even trials: at a random moment once the writer has started (a start under load
            // can take seconds). Odd trials: as soon as a temporary file is seen, so that some
            // kills land mid-write even when the writer is starved of CPU.
            func names() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] }
            let started = Date(), midWrite = trial % 2 == 1
            while Date().timeIntervalSince(started) < 60, process.isRunning,
                  !names().contains(where: { midWrite ? $0.hasPrefix(".trial-\(trial).h5.") && $0.hasSuffix(".tmp") : $0.contains("trial-\(trial).h5") }) {
                usleep(midWrite ? 500 : 5_000)
            }
            if !midWrite { usleep(UInt32.random(in: 0...750_000)) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let reported = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").map { String($0.dropFirst("complete ".count)) }
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            if names.contains(where: { $0.hasPrefix(".trial-\(trial).h5.") && $0.hasSuffix(".tmp") }) { killsMidWrite += 1 }
            guard FileManager.default.fileExists(atPath: url.path) else {
                #expect(reported.isEmpty, "runs reported complete but no file")
                continue
            }
            let file = try ResultFile.read(url)
            for id in reported {
                let run = try #require(file.run(id), "trial \(trial): completed \(id) lost")
                let i = Int(id.dropFirst("run-".count))!
                #expect(run.status == .complete)
                let loss = try #require(run.curves["loss"])
                #expect(loss.count == 20000 && loss[19999] == Double(i) + 1 / 20000.0 && loss[0] == Double(i) + 1)
            }
        }
        #expect(killsMidWrite > 0, "no kill landed in the middle of a write")

        // Resuming completes the file and removes the dead writer's temporary file.
        let url = dir.appendingPathComponent("trial-0.h5")
        let resume = try CLI.run(["fixture-results", url.path, "--runs", "3", "--points", "10"])
        #expect(resume.status == 0)
        let file = try ResultFile.read(url)
        #expect(Array(file.runs.prefix(3)).allSatisfy { $0.status == .complete })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".trial-0.h5.") }
        #expect(leftovers.isEmpty)
    }
}
