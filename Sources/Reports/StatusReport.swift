import Foundation
import Results
import Support

/// `longlora status`: one line per run, the counts by status, which runs are stale and
/// why, who holds each running run's claim, and where each run's checkpoint is.
public enum StatusReport {
    /// The config keys shown per run are those whose values differ between runs
    /// (the sweep axes); constant keys would only repeat themselves.
    /// `directory` is the result file's folder, against which checkpoint paths resolve;
    /// `binaryCode` the fingerprint of the binary asking, noted if it is not the file's.
    /// `unassembled`: ids of runs shown as their shards have them, not yet in the file;
    /// `shardProblems`: shards that cannot be read (assembly stops at them).
    public static func render(_ file: ResultFile, directory: URL? = nil, binaryCode: String? = nil,
                              unassembled: Set<String> = [], shardProblems: [String] = []) -> String {
        let settings = file.runs.map { (try? file.config(of: $0))?.settingWithoutSeed ?? [:] }
        let keys = Set(settings.flatMap(\.keys)).sorted().filter { key in
            Set(settings.map { $0[key] ?? "" }).count > 1
        }
        var rows: [[String]] = [["run", "status", "seed", "setting", "wall", "error"]]
        for (run, setting) in zip(file.runs, settings) {
            let described = keys.map { "\($0.split(separator: ".").last ?? "")=\(setting[$0] ?? "-")" }.joined(separator: " ")
            let error = run.error.split(separator: "\n").first.map { String($0.prefix(60)) } ?? ""
            let stale = run.staleness(in: file.header).isEmpty ? "" : " (stale)"
            let shard = unassembled.contains(run.id) ? " (shard, not assembled yet)" : ""
            rows.append([run.id, run.status.rawValue + stale + shard, String(run.seed), described, wall(run), error])
        }
        var out = "experiment \(file.header.experiment) (schema \(file.header.schemaVersion), created \(file.header.created))\n"
        if let code = file.header.currentCode {
            out += "current code \(code.prefix(12))"
            if let binaryCode, binaryCode != code {
                out += " (this binary: \(binaryCode.prefix(12)); `longlora run` would redo every run)"
            }
            out += "\n"
        }
        out += aligned(rows)
        let counts = RunStatus.allCases.map { status in "\(file.runs.filter { $0.status == status }.count) \(status.rawValue)" }
        let staleRuns = file.runs.filter { !$0.staleness(in: file.header).isEmpty }
        out += "\(file.runs.count) runs: " + counts.joined(separator: ", ") + ", \(staleRuns.count) stale\n"
        if !staleRuns.isEmpty {
            out += "stale (kept, left out of table and plot unless --all):\n"
            out += aligned(staleRuns.map { ["  " + $0.id, $0.staleness(in: file.header).joined(separator: "; ")] })
        }
        if !shardProblems.isEmpty {
            out += "unreadable shards (the file is not assembled past them):\n"
            out += shardProblems.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") + "\n" }.joined()
        }
        let running = file.runs.filter { $0.status == .running }
        if !running.isEmpty {
            out += "running, by claim (claims/run-<hash>):\n"
            out += aligned(running.map { ["  " + $0.id, claim(of: $0, in: directory ?? URL(fileURLWithPath: "."))] })
        }
        let checkpoints = file.runs.filter { !$0.checkpoint.isEmpty }
        if !checkpoints.isEmpty {
            out += "checkpoints (longlora eval RESULTS.h5#RUN ...):\n"
            out += aligned(checkpoints.map { run in
                let path = run.checkpointURL(relativeTo: directory ?? URL(fileURLWithPath: ".")).path
                let missing = FileManager.default.fileExists(atPath: path) ? "" : "(missing)"
                return ["  " + run.id, run.checkpoint, missing]
            })
        }
        return out
    }

    /// Who holds `run`'s claim and how fresh its heartbeat is; a stale claim or none means
    /// its runner is gone and the next `longlora run` takes the run over.
    static func claim(of run: RunRecord, in directory: URL) -> String {
        guard let (holder, age, stale) = Claim.inspect(Claim.url("run", run.configHash, in: directory)) else {
            return "no claim: its runner is gone; the next `longlora run` redoes it"
        }
        let held = "pid \(holder.pid) on \(holder.host) since \(holder.since), heartbeat \(Int(age)) s ago"
        guard let stale else { return held }
        return held + ", STALE (\(stale)): the next `longlora run` takes it over"
    }

    /// Wall time from `resources/wall_s` if recorded, else from the start and end stamps.
    static func wall(_ run: RunRecord) -> String {
        var seconds = run.metrics["resources"]?["wall_s"]?.number
        if seconds == nil {
            let parser = ISO8601DateFormatter()
            if let start = parser.date(from: run.started), let end = parser.date(from: run.finished) {
                seconds = end.timeIntervalSince(start)
            }
        }
        guard let s = seconds else { return "-" }
        return s < 60 ? String(format: "%.1fs", s) : String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }

    /// Left-aligned columns separated by two spaces (trailing spaces trimmed).
    static func aligned(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }
}
