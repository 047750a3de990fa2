import Foundation
import Results
import Support
import Testing

/// `export` and `check` read the current runs of a result file by default and every run with
/// `--all`; `check` says when either file holds stale runs.
@Suite struct StaleRunsCommandTests {
    /// The four runs of `ResultsCommandTests.writeExperiment`, current code `new`; the run
    /// `s2-1` (of code `old`, so stale) has its perplexities moved 5% if `moveStale`.
    static func writeExperiment(_ url: URL, moveStale: Bool) throws {
        try ResultsCommandTests.writeExperiment(url)
        var file = try ResultFile.read(url)
        file.header.currentCode = "new"
        for index in file.runs.indices {
            file.runs[index].codeFingerprint = file.runs[index].id == "s2-1" ? "old" : "new"
            guard moveStale, file.runs[index].id == "s2-1", var table = file.runs[index].eval["pg19-mini"],
                  case .double(let ppl)? = table["perplexity"] else { continue }
            table = Table(table.columns.map { ($0.name, $0.name == "perplexity" ? .double(ppl.map { $0 * 1.05 }) : $0.values) })
            file.runs[index].eval["pg19-mini"] = table
        }
        try file.write(url)
    }

    @Test func checkComparesCurrentRunsAndNamesStaleOnes() throws {
        let dir = try ResultsCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base.h5"), current = dir.appendingPathComponent("current.h5")
        try Self.writeExperiment(base, moveStale: false)
        try Self.writeExperiment(current, moveStale: true)

        let check = try CLI.run(["check", current.path, "--baseline", base.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("note: \(current.path) holds 1 stale run (of other code or data), left out"), "\(check.stdout)")
        #expect(check.stdout.contains("note: \(base.path) holds 1 stale run"), "\(check.stdout)")
        #expect(check.stdout.contains("in 3 runs compared"), "\(check.stdout)")

        // Every run, the moved stale one too: a regression.
        let all = try CLI.run(["check", current.path, "--baseline", base.path, "--all"])
        #expect(all.status == 1, "\(all.stdout)")
        #expect(all.stdout.contains("REGRESSION") && all.stdout.contains("compared because of --all"), "\(all.stdout)")
    }

    @Test func exportWritesCurrentRunsUnlessAll() throws {
        let dir = try ResultsCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cli.h5")
        try Self.writeExperiment(file, moveStale: false)

        let current = try CLI.run(["export", file.path])
        #expect(current.status == 0, "\(current.stderr)")
        let runs = Set(current.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" })
        #expect(runs == ["full-0", "full-1", "s2-0"], "\(current.stdout.prefix(400))")

        let all = try CLI.run(["export", file.path, "--all", "--format", "jsonl"])
        #expect(all.status == 0, "\(all.stderr)")
        let rows = try all.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(Set(rows.compactMap { $0["run"] as? String }) == ["full-0", "full-1", "s2-0", "s2-1"])
        // The stale run's rows say why; the current ones have no `stale` field.
        #expect(rows.filter { $0["run"] as? String == "s2-1" }.allSatisfy { ($0["stale"] as? String)?.contains("code old") == true })
        #expect(rows.filter { $0["run"] as? String != "s2-1" }.allSatisfy { $0["stale"] == nil })
    }
}
