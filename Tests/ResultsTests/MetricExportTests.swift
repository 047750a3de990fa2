import Foundation
@testable import Results
import Support
import Testing

@Suite struct MetricExportTests {
    static let runs = [Fixtures.run(id: "s2-0"), Fixtures.run(id: "full,\"0\"", attention: "full", seed: 1)]

    @Test func oneRowPerRunAndMetricValue() throws {
        let export = try MetricExport(Self.runs)
        // Per run: 3 resources + 2 analytic + 2 float eval columns x 3 lengths.
        #expect(export.rows.count == 2 * (3 + 2 + 6))
        #expect(export.columns == ["run", "status", "seed", "config_hash", "finetune.attention", "finetune.context",
                                   "finetune.lora", "finetune.seed", "model", "metric", "length", "tokens",
                                   "protocol", "attention", "value"])
        let row = try #require(export.rows.first {
            $0["run"] == .text("s2-0") && $0["metric"] == .text("eval/pg19-mini/perplexity") && $0["length"] == .integer(512)
        })
        #expect(row["value"] == .number(11.25))
        #expect(row["finetune.context"] == .integer(1024))
        #expect(row["finetune.lora"] == .text("true"))
        #expect(export.rows.contains { $0["metric"] == .text("resources/peak_rss_bytes") && $0["value"] == .integer(123_456_789) })
    }

    /// Python's csv and json modules read the output back unchanged (quotes, commas, unicode).
    @Test func csvAndJSONLinesReadBackInPython() throws {
        guard Shell.has("python3") else { return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = try MetricExport(Self.runs, curves: true)
        let csv = dir.appendingPathComponent("m.csv"), jsonl = dir.appendingPathComponent("m.jsonl")
        try export.render(.csv).write(to: csv)
        try export.render(.jsonl).write(to: jsonl)
        let script = """
            import csv, json, sys
            rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
            lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
            assert len(rows) == len(lines) == \(export.rows.count), (len(rows), len(lines))
            assert {r["run"] for r in rows} == {"s2-0", 'full,"0"'}
            att = {r["attention"] for r in rows if r["metric"] == "eval/pg19-mini/loss"}
            assert att == {"full", "fülł ✓"}, att
            p = [l for l in lines if l["metric"] == "eval/pg19-mini/perplexity" and l["length"] == 1024 and l["run"] == "s2-0"]
            assert len(p) == 1 and p[0]["value"] == 10.75 and p[0]["finetune.context"] == 1024, p
            steps = [l["step"] for l in lines if l["metric"] == "curves/loss" and l["run"] == "s2-0"]
            assert steps == [1, 2, 3], steps
            print("ok")
            """
        let result = try #require(Shell.run(["python3", "-c", script, csv.path, jsonl.path]))
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    }

    @Test func aConfigKeyNamedLikeAFixedColumnKeepsAPrefix() throws {
        var run = Fixtures.run(id: "r", seed: 7)
        run.config = #"{"metric": 1, "seed": 7}"#
        let export = try MetricExport([run])
        #expect(export.columns.contains("config.metric") && export.columns.contains("config.seed"))
        #expect(export.rows.allSatisfy { $0["seed"] == .integer(7) && $0["config.metric"] == .integer(1) })
    }
}
