import Foundation
import Results
import Support
import Testing
@testable import Reports

@Suite struct TableTests {
    /// s2 with three seeds, perplexity per length [10+2k, 20+4k, 30]; full with one seed.
    static func runs() -> [RunRecord] {
        (0..<3).map { k in
            Fixtures.run(id: "s2-\(k)", seed: Int64(k), perplexity: [10 + 2 * Double(k), 20 + 4 * Double(k), 30])
        } + [Fixtures.run(id: "full-0", attention: "full", perplexity: [9, 18, 27.125])]
    }

    static let layout = TableLayout(
        name: "ppl", title: "Perplexity on pg19_mini",
        selection: Selection(rows: ["finetune.attention"], columns: .eval("length"), value: "eval/pg19-mini/perplexity"))

    /// Runs added beside the spec's own (`run --set finetune.context=2048`) get rows of their
    /// own, labelled by the key in which they differ, instead of being averaged with them;
    /// the paper's numbers still match the layout's own rows.
    @Test func runsThatDifferBeyondTheSeedGetRowsOfTheirOwn() throws {
        let runs = Self.runs() + [Fixtures.run(id: "s2-2048", context: 2048, perplexity: [5, 6, 7])]
        let grid = try Grid.build(Fixtures.file(runs), Self.layout.selection, name: "table ppl")
        #expect(grid.rowKeys == ["finetune.attention", "finetune.context"])
        #expect(grid.rows == [["s2", "1024"], ["full", "1024"], ["s2", "2048"]])
        #expect(grid.cell(["s2", "1024"], "256")?.n == 3 && grid.cell(["s2", "2048"], "256") == Summary([5]))
        let paper = try PaperNumbers.parse(#"{"ppl": [{"row": ["s2"], "column": 256, "value": 8.5}]}"#, source: "test")
        let text = GridTable(layout: Self.layout, grid: grid, paper: paper).render(.md)
        #expect(text.contains("| s2 | 2048 | 5.00 | 8.50 |"), "\(text)")
    }

    /// A run's label is the header's (`labels`, as the latest spec names it) where it has
    /// one, else the label recorded in the run's config.
    @Test func theHeadersLabelsWinOverTheRecordedOnes() throws {
        let runs = Self.runs().map { run in
            var run = run
            run.config = run.config.replacingOccurrences(of: "\"model\"", with: "\"label\": \"\(run.id.prefix(2)) (recorded)\", \"model\"")
            return run
        }
        var file = Fixtures.file(runs)
        file.header.labels = ["s2-0": "S2-Attn", "s2-1": "S2-Attn", "s2-2": "S2-Attn"]
        let selection = Selection(rows: ["label"], columns: .eval("length"), value: "eval/pg19-mini/perplexity")
        let grid = try Grid.build(file, selection, name: "table ppl")
        #expect(grid.rows == [["S2-Attn"], ["fu (recorded)"]])
        #expect(grid.cell(["S2-Attn"], "256")?.n == 3)
        // Exports read the same labels.
        let export = String(decoding: try MetricExport(file.runs, config: file.config(of:)).render(.csv), as: UTF8.self)
        #expect(export.contains("S2-Attn") && !export.contains("s2 (recorded)"))
    }

    @Test func groupsSeedsIntoMeanAndCI() throws {
        let grid = try Grid.build(Fixtures.file(Self.runs()), Self.layout.selection, name: "table ppl")
        #expect(grid.rows == [["s2"], ["full"]])
        #expect(grid.columns == ["256", "512", "1024"])
        let a = try #require(grid.cell(["s2"], "256"))
        #expect(a.n == 3 && a.mean == 12)
        #expect(abs(try #require(a.ci95) - 4.968275423500702) < 1e-11)
        let b = try #require(grid.cell(["s2"], "512"))
        #expect(b.mean == 24)
        #expect(abs(try #require(b.ci95) - 9.936550847001404) < 1e-11)
        #expect(grid.cell(["s2"], "1024")?.ci95 == 0)
        #expect(grid.cell(["full"], "1024") == Summary([27.125]))
    }

    @Test func failedRunsAreLeftOut() throws {
        let runs = Self.runs() + [Fixtures.run(id: "s2-9", seed: 9, perplexity: [1e6, 1e6, 1e6], status: .failed)]
        let grid = try Grid.build(Fixtures.file(runs), Self.layout.selection, name: "t")
        #expect(grid.cell(["s2"], "256")?.n == 3)
    }

    @Test func configColumnsAndMetricValues() throws {
        let runs = [Fixtures.run(id: "a", context: 1024), Fixtures.run(id: "b", context: 2048)]
        let selection = Selection(rows: ["finetune.attention"], columns: .config("finetune.context"),
                                  value: "resources/peak_rss_bytes")
        let grid = try Grid.build(Fixtures.file(runs), selection, name: "t")
        #expect(grid.columns == ["1024", "2048"])
        #expect(grid.cell(["s2"], "2048")?.mean == 123_456_789)
    }

    @Test func markdown() throws {
        let grid = try Grid.build(Fixtures.file(Self.runs()), Self.layout.selection, name: "t")
        let md = GridTable(layout: Self.layout, grid: grid).render(.md)
        #expect(md.contains("| attention | length=256 | length=512 | length=1024 |\n|---|---:|---:|---:|\n"))
        #expect(md.contains("| s2 | 12.00 ± 4.97 | 24.00 ± 9.94 | 30.00 ± 0.00 |\n"))
        #expect(md.contains("| full | 9.00 | 18.00 | 27.12 |\n"))
    }

    @Test func csvIsTidy() throws {
        let grid = try Grid.build(Fixtures.file(Self.runs()), Self.layout.selection, name: "t")
        let lines = GridTable(layout: Self.layout, grid: grid).render(.csv).split(separator: "\n")
        #expect(lines[0] == "attention,length,mean,ci95,n")
        #expect(lines[1].hasPrefix("s2,256,12.0,4.9682754235"))
        #expect(lines[1].hasSuffix(",3"))
        #expect(lines.last == "full,1024,27.125,,1")
    }

    @Test func latexEscapesAndUsesPm() throws {
        let grid = try Grid.build(Fixtures.file(Self.runs()), Self.layout.selection, name: "t")
        let tex = GridTable(layout: Self.layout, grid: grid).render(.latex)
        #expect(tex.contains("\\begin{tabular}{lrrr}"))
        #expect(tex.contains("s2 & 12.00 $\\pm$ 4.97 & 24.00 $\\pm$ 9.94 & 30.00 $\\pm$ 0.00 \\\\"))
        #expect(tex.contains("% Perplexity on pg19_mini"))
        #expect(tex.hasSuffix("\\end{tabular}\n"))
    }

    @Test func paperNumbersSideBySide() throws {
        let paper = try PaperNumbers.parse(#"{"ppl": [{"row": ["s2"], "column": 256, "value": 8.5}]}"#, source: "x")
        let grid = try Grid.build(Fixtures.file(Self.runs()), Self.layout.selection, name: "t")
        let renderer = GridTable(layout: Self.layout, grid: grid, paper: paper)
        #expect(renderer.render(.md).contains("| s2 | 12.00 ± 4.97 | 8.50 | 24.00 ± 9.94 | – |"))
        #expect(renderer.render(.csv).split(separator: "\n")[1].hasSuffix(",3,8.5"))
    }

    @Test func layoutJSONRoundTrip() throws {
        let layout = Layout(tables: [Self.layout], figures: [
            FigureLayout(name: "ppl", kind: .lines, selection: Self.layout.selection, logx: true),
        ])
        #expect(try Layout.parse(layout.json(), source: "x") == layout)
        let text = #"{"tables": [{"name": "t", "rows": ["a"], "columns": {"config": "b.c"}, "value": "eval/d/perplexity", "where": {"protocol": "longlora", "length": 1024}}]}"#
        let parsed = try Layout.parse(text, source: "x")
        #expect(parsed.tables[0].selection.columns == .config("b.c"))
        #expect(parsed.tables[0].selection.where["length"]?.label == "1024")
        #expect(throws: UserError.self) { try Layout.parse(#"{"tables": [{"name": "t"}]}"#, source: "x") }
    }

    @Test func perRunShowsEveryRunsOwnValue() throws {
        let grid = try Grid.build(Fixtures.file(Self.runs()), Self.layout.selection, name: "t")
        let table = GridTable(layout: Self.layout, grid: grid)
        let csv = table.renderPerRun(.csv).split(separator: "\n").map(String.init)
        #expect(csv == ["attention,run,length=256,length=512,length=1024",
                        "s2,s2-0,10.0,20.0,30.0", "s2,s2-1,12.0,24.0,30.0", "s2,s2-2,14.0,28.0,30.0",
                        "full,full-0,9.0,18.0,27.125"])
        #expect(table.renderPerRun(.md).contains("| s2 | s2-1 | 12.00 | 24.00 | 30.00 |"))
    }

    /// A key a run does not read is absent from its config: its rows say `n/a`, and lists
    /// (evaluation patterns) label as one value, never as `attention[1]=-`.
    @Test func absentKeysAndListsLabelReadably() throws {
        func run(_ id: String, _ finetune: String, _ patterns: String, seed: Int64) -> RunRecord {
            var r = Fixtures.run(id: id, seed: seed)
            r.config = "{\"finetune\": {\(finetune)}, \"evaluate\": {\"attention\": [\(patterns)]}, \"seed\": \(seed)}"
            return r
        }
        let runs = [run("full", "\"attention\": \"full\"", "\"full\"", seed: 0),
                    run("s2-0", "\"attention\": \"s2\", \"group\": 0.25", "\"full\", \"s2\"", seed: 0),
                    run("s2-1", "\"attention\": \"s2\", \"group\": 0.25", "\"full\", \"s2\"", seed: 1)]
        let selection = Selection(rows: ["finetune.attention", "finetune.group"], columns: .eval("length"), value: "eval/pg19-mini/perplexity")
        let grid = try Grid.build(Fixtures.file(runs), selection, name: "t")
        #expect(grid.rowKeys == ["finetune.attention", "finetune.group"])
        #expect(grid.rows == [["full", "n/a"], ["s2", "0.25"]])
        #expect(try ConfigJSON(runs[1].config, run: "s2-0").settingWithoutSeed["evaluate.attention"] == "full+s2")
        // A key no run has is still a mistake of the layout.
        #expect(throws: UserError.self) {
            try Grid.build(Fixtures.file(runs), Selection(rows: ["finetune.grup"], value: "eval/pg19-mini/perplexity"), name: "t")
        }
    }

    /// A key that moves with the column (the interpolation factor of a context swept as the
    /// x axis) does not split a series; a key that differs within one column does.
    @Test func keysThatMoveWithTheColumnDoNotSplitRows() throws {
        func run(_ id: String, context: Int, factor: Int, rank: Int = 8) -> RunRecord {
            var r = Fixtures.run(id: id, context: context)
            r.config = "{\"finetune\": {\"attention\": \"s2\", \"context\": \(context), \"position_interpolation\": \(factor), \"rank\": \(rank)}}"
            return r
        }
        let selection = Selection(rows: ["finetune.attention"], columns: .config("finetune.context"), value: "resources/peak_rss_bytes")
        let along = [run("a", context: 1024, factor: 4), run("b", context: 2048, factor: 8)]
        let grid = try Grid.build(Fixtures.file(along), selection, name: "t")
        #expect(grid.rowKeys == ["finetune.attention"] && grid.rows == [["s2"]])
        let within = along + [run("c", context: 2048, factor: 8, rank: 4)]
        #expect(try Grid.build(Fixtures.file(within), selection, name: "t").rowKeys == ["finetune.attention", "finetune.rank"])
    }
}
