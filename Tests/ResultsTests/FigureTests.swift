import Foundation
import Results
import Support
import Testing
@testable import Reports

@Suite struct FigureTests {
    static let selection = Selection(rows: ["finetune.attention"], columns: .eval("length"),
                                     value: "eval/pg19-mini/perplexity")

    @Test func linesScriptAndData() throws {
        let layout = FigureLayout(name: "ppl", kind: .lines, title: "Perplexity vs length", selection: Self.selection, logx: true)
        let figure = try Figure.make(layout, from: Fixtures.file(TableTests.runs()))
        #expect(figure.stem == "fixture-ppl")
        #expect(figure.script.contains("set logscale x 2"))
        #expect(figure.script.contains("'fixture-ppl.dat' index 0 using 1:2:6:7 with yerrorlines ls 1 title 's2'"))
        #expect(figure.script.contains("'fixture-ppl.dat' index 1 using 1:2:6:7 with yerrorlines ls 2 title 'full'"))
        // Block 0 is s2 (mean 12 ± t(0.975,2)*2/sqrt(3) at 256), block 1 full; blocks are split by two blank lines.
        let blocks = figure.data.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 2)
        #expect(blocks[0].contains("\n256 12.0 4.9682754235"))
        #expect(blocks[1].contains("\n1024 27.125 0.0 1 \"1024\" 27.125 27.125\n"))
        // The error bar runs over the interval: 12 ± 4.968... at 256.
        #expect(blocks[0].contains("\"256\" 7.03172457649"))
    }

    /// An accuracy lies in [0, 1]: its axis is kept there and its error bars are cut to
    /// it, where a 95% interval over three seeds would reach below 0 and above 1.
    @Test func accuraciesKeepToTheirRange() throws {
        let runs = (0..<3).map { k in
            var run = Fixtures.run(id: "s2-\(k)", seed: Int64(k))
            run.eval["passkey"] = Table([("length", .int([256, 512])), ("accuracy", .double(k == 0 ? [1, 0] : [1, 0.5]))])
            return run
        }
        let selection = Selection(rows: ["finetune.attention"], columns: .eval("length"), value: "eval/passkey/accuracy")
        let figure = try Figure.make(FigureLayout(name: "passkey", kind: .lines, selection: selection), from: Fixtures.file(runs))
        #expect(figure.script.contains("set yrange [0:1.05]"))
        // Bars of an accuracy keep to the same range.
        let bars = try Figure.make(FigureLayout(name: "passkey-bars", kind: .bars, selection: selection), from: Fixtures.file(runs))
        #expect(bars.script.contains("set yrange [0:1.05]"), "\(bars.script)")
        // At 256 every seed is right: no interval; at 512 the mean 1/3 ± 1.43 is cut to [0, 1].
        #expect(figure.data.contains("\n256 1.0 0.0 3 \"256\" 1.0 1.0\n"), "\(figure.data)")
        #expect(figure.data.contains(" 3 \"512\" 0.0 1.0\n"), "\(figure.data)")
        // A perplexity keeps gnuplot's own range.
        #expect(!(try Figure.make(FigureLayout(name: "ppl", kind: .lines, selection: Self.selection),
                                  from: Fixtures.file(TableTests.runs()))).script.contains("set yrange"))
    }

    /// Bars named by their labels get no axis title ("label" says nothing), and a single
    /// series of bars beside the paper's markers is keyed "ours".
    @Test func barsByLabelAreUntitledAndASingleSeriesIsOurs() throws {
        let selection = Selection(rows: ["label"], value: "eval/pg19-mini/perplexity", where: ["length": ScalarLabel("256")])
        let runs = TableTests.runs().map { run in
            var run = run
            run.config = run.config.replacingOccurrences(of: "\"model\"", with: "\"label\": \"\(run.id.hasPrefix("s2") ? "S2-Attn" : "full")\", \"model\"")
            return run
        }
        let paper = #"{"main": [{"row": ["S2-Attn"], "value": 8.5}]}"#
        let layout = Layout(tables: [TableLayout(name: "main", selection: selection)], figures: [])
        let file = Fixtures.file(runs, layout: layout.json(), paper: paper)
        let figure = try Figure.make(FigureLayout(name: "bars", kind: .bars, selection: selection), from: file)
        #expect(figure.script.contains("set xlabel ''"), "\(figure.script)")
        #expect(figure.script.contains("ls 1 title 'ours'"), "\(figure.script)")
        #expect(figure.script.contains("title 'paper'"))
    }

    /// Where the spec's `paper:` numbers sit beside a table that selects what a figure draws,
    /// the figure draws them too: open markers in the series' colour, titled "(paper)".
    @Test func paperNumbersAreDrawnAsReferenceMarkers() throws {
        let table = TableLayout(name: "main", selection: Self.selection)
        let layout = Layout(tables: [table], figures: [])
        let paper = #"{"main": [{"row": ["s2"], "column": 256, "value": 8.5}, {"row": ["s2"], "column": 1024, "value": 7.25}]}"#
        let file = Fixtures.file(TableTests.runs(), layout: layout.json(), paper: paper)
        let figure = try Figure.make(FigureLayout(name: "ppl", kind: .lines, selection: Self.selection), from: file)
        #expect(figure.script.contains("'fixture-ppl.dat' index 2 using 1:2 with points ls 1 pt 14 ps 2 title 's2 (paper)'"))
        let blocks = figure.data.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 3 && blocks[2] == "# paper s2\n256 8.5\n1024 7.25\n")
        // A figure of other values has no reference.
        let other = Selection(rows: ["finetune.attention"], columns: .eval("length"), value: "eval/pg19-mini/loss")
        #expect(!(try Figure.make(FigureLayout(name: "loss", kind: .lines, selection: other), from: file)).script.contains("(paper)"))
        // One series with the paper beside it keeps its key.
        let s2Only = Selection(rows: ["finetune.attention"], columns: .eval("length"), value: "eval/pg19-mini/perplexity",
                               filter: ["finetune.attention": ScalarLabel("s2")])
        let single = Fixtures.file(TableTests.runs(), layout: Layout(tables: [TableLayout(name: "main", selection: s2Only)]).json(), paper: paper)
        #expect(!(try Figure.make(FigureLayout(name: "ppl", kind: .lines, selection: s2Only), from: single)).script.contains("set key off"))
    }

    /// On bars, the paper's numbers are open markers centred on their bars (gnuplot puts
    /// bar j of n in cluster i at i + (j - (n - 1) / 2) / (n + gap)); a number far above
    /// the bars is left off the fitted axis and counted in the key.
    @Test func paperNumbersOnBarsSitOnTheirBars() throws {
        let table = TableLayout(name: "main", selection: Self.selection)
        let paper = #"{"main": [{"row": ["s2"], "column": 256, "value": 8.5}, {"row": ["s2"], "column": 1024, "value": 7.25},"#
            + #" {"row": ["full"], "column": 512, "value": 500}]}"#
        let file = Fixtures.file(TableTests.runs(), layout: Layout(tables: [table], figures: []).json(), paper: paper)
        let figure = try Figure.make(FigureLayout(name: "bars", kind: .bars, selection: Self.selection), from: file)
        let blocks = figure.data.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 2 && blocks[1] == "# paper: x y\n-0.25 8.5\n0.25 7.25\n", "\(figure.data)")
        #expect(figure.script.contains("'fixture-bars.dat' index 1 using 1:2 with points lc rgb '#000000' pt 14 ps 2 title 'paper (1 above the axis)'"))
        #expect(figure.script.contains("'fixture-bars.dat' index 0 using 2:3:xtic(1) ls 1 title '256'"))
        #expect(!figure.script.contains("[0:*]"))
        // Without paper numbers the axis is gnuplot's own.
        let plain = try Figure.make(FigureLayout(name: "bars", kind: .bars, selection: Self.selection), from: Fixtures.file(TableTests.runs()))
        #expect(plain.script.contains("set yrange [0:*]") && !plain.script.contains("paper"))
    }

    @Test func rendersPNGAndKeepsScriptAndData() throws {
        guard Shell.has("gnuplot") else { return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = Fixtures.file(TableTests.runs())
        let figures = try [
            FigureLayout(name: "ppl", kind: .lines, selection: Self.selection, logx: true),
            FigureLayout(name: "loss", kind: .curves, selection: Selection(rows: ["finetune.attention"], value: "curves/loss")),
            FigureLayout(name: "ablation", kind: .bars, selection: Self.selection),
        ].map { try Figure.make($0, from: file) }
        for figure in figures {
            let images = try figure.render(into: dir, formats: [.png, .svg])
            let png = try Data(contentsOf: images[0])
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(figure.stem) is not a PNG")
            #expect(png.count > 1024)
            let svg = try String(contentsOf: images[1], encoding: .utf8)
            #expect(svg.contains("<svg"))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names.contains("fixture-ppl.gp") && names.contains("fixture-ppl.dat") && names.contains("fixture-loss.png"))
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "temporary files left: \(names)")
        // The kept script reproduces the figure on its own.
        let rerun = try #require(Shell.run(["gnuplot", "-e", "outfile='again.png'", "fixture-ppl.gp"], in: dir))
        #expect(rerun.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("again.png").path))
    }

    @Test func curvesNeedACurveValue() throws {
        let layout = FigureLayout(name: "x", kind: .curves, selection: Self.selection)
        #expect(throws: UserError.self) { try Figure.make(layout, from: Fixtures.file(TableTests.runs())) }
    }

    /// A curve measured every k steps is drawn against its own step curve (`x`), which
    /// also round-trips through the layout JSON.
    @Test func curvesAgainstAChosenX() throws {
        var runs = TableTests.runs()
        for i in runs.indices {
            runs[i].curves["eval_step"] = [0, 50, 100]
            runs[i].curves["eval_perplexity"] = [20, 9, 8]
        }
        let layout = FigureLayout(name: "steps", kind: .curves,
                                  selection: Selection(rows: ["finetune.attention"], value: "curves/eval_perplexity"),
                                  x: "curves/eval_step")
        let figure = try Figure.make(layout, from: Fixtures.file(runs))
        #expect(figure.data.hasPrefix("# eval_step mean n"))
        #expect(figure.data.contains("\n0 20.0 ") && figure.data.contains("\n100 8.0 "))
        let decoded = try JSONDecoder().decode(FigureLayout.self, from: JSONEncoder().encode(layout))
        #expect(decoded.x == "curves/eval_step")
        let bad = FigureLayout(name: "bad", kind: .curves, selection: layout.selection, x: "eval/pg19-mini/length")
        #expect(throws: UserError.self) { try Figure.make(bad, from: Fixtures.file(runs)) }
    }
}
