import Foundation

/// `longlora status`: one line per run and the counts by status.
public enum StatusReport {
    /// The config keys shown per run are those whose values differ between runs
    /// (the sweep axes); constant keys would only repeat themselves.
    public static func render(_ file: ResultFile) -> String {
        let settings = file.runs.map { (try? ConfigJSON($0.config, run: $0.id))?.settingWithoutSeed ?? [:] }
        let keys = Set(settings.flatMap(\.keys)).sorted().filter { key in
            Set(settings.map { $0[key] ?? "" }).count > 1
        }
        var rows: [[String]] = [["run", "status", "seed", "setting", "wall", "error"]]
        for (run, setting) in zip(file.runs, settings) {
            let described = keys.map { "\($0.split(separator: ".").last ?? "")=\(setting[$0] ?? "-")" }.joined(separator: " ")
            let error = run.error.split(separator: "\n").first.map { String($0.prefix(60)) } ?? ""
            rows.append([run.id, run.status.rawValue, String(run.seed), described, wall(run), error])
        }
        var out = "experiment \(file.header.experiment) (schema \(file.header.schemaVersion), created \(file.header.created))\n"
        out += aligned(rows)
        let counts = RunStatus.allCases.map { status in "\(file.runs.filter { $0.status == status }.count) \(status.rawValue)" }
        out += "\(file.runs.count) runs: " + counts.joined(separator: ", ") + "\n"
        return out
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
