import ArgumentParser
import Foundation
import Results
import Support

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every metric of a result file as one tidy table (one row per run and metric).",
        discussion: """
            Columns: run, status, seed, config_hash, every config key (finetune.attention, ...), \
            metric (eval/<dataset>/<column>, <group>/<name>, curves/<name>), the evaluation row's keys \
            (length, protocol, attention, ...), step (with --curves) and value. \
            In pandas: pd.read_csv("out.csv") or pd.read_json("out.jsonl", lines=True).
            Parquet is not written: no Parquet library is available to the harness; \
            pandas converts with df.to_parquet().
            """)

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    @Option(help: "Output format.")
    var format: MetricExport.Format = .csv

    @Option(help: "Output file (default: standard output).")
    var out: String?

    @Flag(help: "Also one row per training step of every curve.")
    var curves = false

    @Flag(help: "Only complete runs.")
    var completeOnly = false

    func run() throws {
        let file = try ResultFile.read(URL(fileURLWithPath: results))
        let runs = completeOnly ? file.runs.filter { $0.status == .complete } : file.runs
        let text = try MetricExport(runs, curves: curves).render(format)
        if let out {
            try AtomicFile.write(text, to: URL(fileURLWithPath: out))
        } else {
            print(text, terminator: "")
        }
    }
}
