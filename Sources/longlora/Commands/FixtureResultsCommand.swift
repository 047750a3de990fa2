import ArgumentParser
import Foundation
import Results
import Support

/// Developer tool, hidden from --help: a test fixture generator. Writes a synthetic
/// result file through `ResultStore`, one run at a time, exactly as the runner
/// does, and prints `complete <id>` after each run is on disk. The crash-safety
/// test kills it with SIGKILL at random moments and checks that the file is still
/// readable and every run it reported complete is intact. Values are a closed form
/// of (run, point) so a test can verify them: see `FixtureResultsCommand.loss`.
struct FixtureResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixture-results",
        abstract: "Test fixture generator: write a synthetic result file run by run.",
        shouldDisplay: false)

    @Argument(help: "Result file to create or extend.")
    var out: String

    @Option(help: "Number of runs to record.")
    var runs: Int = 10

    @Option(help: "Points per curve; larger files make a kill mid-write likely.")
    var points: Int = 20_000

    /// Loss curve value of run `run` at point `t`.
    static func loss(run: Int, t: Int) -> Double { Double(run) + 1 / Double(t + 1) }

    func run() throws {
        let url = URL(fileURLWithPath: out)
        let store = try ResultStore.open(url, header: ResultHeader(experiment: "fixture", spec: "synthetic: true\n"))
        let provenance = Provenance.current()
        for i in 0..<runs {
            let id = "run-\(i)"
            if store.isComplete(configHash: "fixture-\(i)") { continue }
            var record = RunRecord(id: id, config: #"{"run": \#(i)}"#, configHash: "fixture-\(i)", seed: Int64(i),
                                   provenance: provenance, started: RunRecord.timestamp())
            try store.markRunning(record)
            record.status = .complete
            record.finished = RunRecord.timestamp()
            record.curves = ["loss": (0..<points).map { Self.loss(run: i, t: $0) }]
            record.eval = ["synthetic": Table([("length", .int([64, 128])), ("perplexity", .double([Double(i) + 2, Double(i) + 3]))])]
            try store.record(record)
            print("complete \(id)")
            fflush(stdout)
        }
        // Runs complete in their shards but not yet in the file (the writer was killed in between).
        try store.assemble()
    }
}
