import Foundation
@testable import Results
import Support
import Testing
@testable import Reports

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

    /// Parquet column types follow the values: integers int64, numbers double (the `value`
    /// column, integers and numbers, too), text strings, a mix with text the CSV's text; missing cells null.
    @Test func parquetColumnsTypedFromTheValues() throws {
        var mixed = Fixtures.run(id: "m", seed: 2)
        mixed.config = #"{"x": "a", "y": 1}"#
        var plain = Fixtures.run(id: "p", seed: 3)
        plain.config = #"{"x": 2.5, "y": 2}"#
        // Result files hold int64 and float64 metrics only (MetricSchema): no text among them.
        mixed.metrics["analytic"]?["model"] = nil
        plain.metrics["analytic"]?["model"] = nil
        let export = try MetricExport([mixed, plain])
        let columns = Dictionary(uniqueKeysWithValues: export.parquetColumns.map { ($0.name, $0.values) })
        #expect(export.parquetColumns.map(\.name) == export.columns)
        guard case .string(let x)? = columns["x"], case .int64(let y)? = columns["y"], case .int64(let seed)? = columns["seed"],
              case .double(let value)? = columns["value"], case .int64(let length)? = columns["length"],
              case .string(let run)? = columns["run"] else {
            Issue.record("column types: \(columns.mapValues { "\($0)".prefix(12) })")
            return
        }
        #expect(Set(x) == ["a", "2.5"] && Set(y) == [1, 2] && Set(seed) == [2, 3] && Set(run) == ["m", "p"])
        let rss = export.rows.indices.filter { export.rows[$0]["metric"] == .text("resources/peak_rss_bytes") }
        #expect(rss.count == 2 && rss.allSatisfy { value[$0] == 123_456_789 })
        // Rows without an evaluation length (resources, analytic) are nulls, the others integers.
        #expect(length.contains(nil) && length.contains(512))
        #expect(zip(export.rows, length).allSatisfy { row, cell in row["length"].map { $0 == .integer(cell ?? -1) } ?? (cell == nil) })
    }

    /// No runs: a valid Parquet file with the CSV's header as its (string) columns and no rows.
    @Test func emptyExportIsAParquetFileWithoutRows() throws {
        let export = try MetricExport([])
        #expect(String(decoding: try export.render(.csv), as: UTF8.self) == "run,status,seed,config_hash,metric,value\n")
        let report = try ParquetWriterTests.pyarrow(try export.render(.parquet))
        #expect(report["num_rows"] as? Int == 0)
        #expect(report["names"] as? [String] == export.columns)
        #expect(report["types"] as? [String] == Array(repeating: "string", count: export.columns.count))
    }
}
