import Foundation
import Results
import Support

public enum PlotFormat: String, CaseIterable, Sendable {
    case png, svg, pdf

    /// Headless cairo/SVG terminals; `noenhanced` keeps `_` in labels literal.
    var terminal: String {
        switch self {
        case .png: return "pngcairo size 900,560 noenhanced font 'Sans,11'"
        case .svg: return "svg size 900,560 noenhanced font 'Sans,11' background rgb 'white'"
        case .pdf: return "pdfcairo size 6in,3.75in noenhanced font 'Sans,10'"
        }
    }
}

/// A figure ready for gnuplot: its data file and its script. Both are kept next to
/// the image so a user can restyle the figure and rerun `gnuplot NAME.gp`.
public struct Figure: Sendable {
    /// File stem, `<experiment>-<figure>`: the image, `.gp` and `.dat` share it.
    public var stem: String
    public var data: String
    public var script: String

    /// Builds figure `layout` from `file`'s complete runs.
    public static func make(_ layout: FigureLayout, from file: ResultFile) throws -> Figure {
        // Both names come from a spec or a result file, and the stem names files: refuse
        // anything that could leave the output folder or break a gnuplot line.
        let experiment = try FileNameComponent.check(file.header.experiment, what: "experiment name")
        let figureName = try FileNameComponent.check(layout.name, what: "figure name")
        let stem = "\(experiment)-\(figureName)"
        let context = "figure \(layout.name)"
        let grid = try Grid.build(file, layout.selection, name: context)
        guard !grid.cells.isEmpty else {
            throw UserError("\(context): no complete run has a value for '\(layout.selection.value)'")
        }
        let body: Body
        let bounds = FigureStyle.bounds(of: layout.selection.value)
        switch layout.kind {
        case .lines: body = lines(grid, stem: stem, paper: try paperReference(for: layout, in: file), bounds: bounds)
        case .bars: body = bars(grid, stem: stem, paper: try paperReference(for: layout, in: file),
                                single: layout.selection.columns == nil, bounds: bounds)
        case .curves: body = try curves(grid, file: file, layout: layout, stem: stem, context: context)
        }
        let defaultY = layout.selection.value.split(separator: "/").last.map(String.init) ?? ""
        let rowTitles = layout.selection.rows.map { String($0.split(separator: ".").last ?? "") }.joined(separator: " / ")
        let defaultX: String
        switch layout.kind {
        case .curves: defaultX = "step"
        // Bars named by their labels need no axis title: "label" or "variant" says nothing.
        case .bars: defaultX = layout.selection.rows.allSatisfy { ["label", "variant"].contains($0) } ? "" : rowTitles
        case .lines: defaultX = layout.selection.columns?.title ?? ""
        }
        var script = """
            # \(stem).gp: figure '\(layout.name)' of experiment '\(file.header.experiment)', written by `longlora plot`.
            # Data: \(stem).dat. Restyle freely, then: gnuplot -e "fmt='svg'" \(stem).gp
            if (!exists("fmt")) fmt = 'png'
            if (!exists("outfile")) outfile = '\(gnuplotEscape(stem)).' . fmt
            if (fmt eq 'png') { set terminal \(PlotFormat.png.terminal) }
            if (fmt eq 'svg') { set terminal \(PlotFormat.svg.terminal) }
            if (fmt eq 'pdf') { set terminal \(PlotFormat.pdf.terminal) }
            set output outfile
            set title '\(gnuplotEscape(layout.title ?? layout.name))'
            set xlabel '\(gnuplotEscape(layout.xlabel ?? defaultX))'
            set ylabel '\(gnuplotEscape(layout.ylabel ?? defaultY))'
            set grid
            set key below
            set datafile missing 'NaN'

            """
        // The key sits below the plot: labels are phrases ("S2-Attn, LoRA+ (LongLoRA)"), and
        // beside the plot they would take half its width.
        if layout.logx && layout.kind != .bars { script += "set logscale x 2\n" }
        // Pad the x range so error bars at the first and last points are not clipped.
        if layout.kind == .lines { script += "set offsets graph 0.04, graph 0.04, 0, 0\n" }
        if layout.kind == .bars, let columns = layout.selection.columns {
            script += "set key title '\(gnuplotEscape(columns.title))'\n"
        }
        // A log axis only where the data spans decades (FLOPs, hours); over 5...13 it hides the differences.
        if layout.logy && FigureStyle.spansDecades(body.values) { script += "set logscale y\n" }
        // A bounded value (an accuracy) keeps its axis to its range, whatever the intervals.
        if let bounds, layout.kind == .lines { script += FigureStyle.yrange(bounds) }
        script += FigureStyle.lineStyles(count: body.series)
        if body.series == 1 && !body.hasReference { script += "set key off\n" }
        script += body.plot + "\n"
        return Figure(stem: stem, data: body.data, script: script)
    }

    /// Writes `<stem>.dat`, `<stem>.gp` and one image per format into `directory`;
    /// each image is rendered to a temporary name, then renamed. Returns the images.
    public func render(into directory: URL, formats: [PlotFormat]) throws -> [URL] {
        guard Shell.has("gnuplot") else {
            throw UserError("gnuplot is not installed", hint: "apt-get install gnuplot-nox")
        }
        _ = try FileNameComponent.check(stem, what: "figure file name")
        try AtomicFile.write(data, to: directory.appendingPathComponent("\(stem).dat"))
        try AtomicFile.write(script, to: directory.appendingPathComponent("\(stem).gp"))
        return try formats.map { format in
            let image = directory.appendingPathComponent("\(stem).\(format.rawValue)")
            try AtomicFile.produce(image) { tmp in
                let settings = "fmt='\(format.rawValue)'; outfile='\(gnuplotEscape(tmp.lastPathComponent))'"
                guard let result = Shell.run(["gnuplot", "-e", settings, "\(stem).gp"], in: directory) else {
                    throw UserError("cannot start gnuplot")
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: tmp.path)[.size] as? Int) ?? 0
                guard result.status == 0, size > 0 else {
                    let message = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    throw UserError("gnuplot failed on \(directory.appendingPathComponent(stem).path).gp: \(message)")
                }
            }
            return image
        }
    }

    /// One data block per series (`index i`): x, mean, 95% CI (0 for one seed), n, label.
    /// What a figure kind contributes: its data file, its plot command, the values drawn
    /// (to choose the axis) and how many series it draws (for styles and the key).
    struct Body {
        var data: String
        var plot: String
        var values: [Double]
        var series: Int
        /// The paper's numbers are drawn beside the series (so the key stays, even for one).
        var hasReference = false
    }

    /// The paper's numbers for a figure: those of the layout table that selects the same
    /// values (rows, columns, value, conditions), looked up by the figure's row labels.
    static func paperReference(for layout: FigureLayout, in file: ResultFile) throws -> ((_ row: [String], _ column: String) -> Double?)? {
        let paper = try PaperNumbers.parse(file.header.paper, source: "figure \(layout.name)")
        guard let tables = try? Layout.parse(file.header.layout, source: "figure \(layout.name)").tables,
              let table = tables.first(where: { $0.selection == layout.selection && paper.has(table: $0.name) }) else { return nil }
        return { row, column in
            let row = Array(row.prefix(table.selection.rows.count))
            return paper.value(table: table.name, row: row, column: table.selection.columns == nil ? nil : column)
                ?? paper.value(table: table.name, row: row, column: column)
        }
    }

    /// Series of mean ± CI against the columns; where the paper has numbers for a series,
    /// they follow as open markers in its colour, titled `<series> (paper)`. The error bar
    /// runs from `low` to `high`: the interval, cut to `bounds` for a bounded value (a 95%
    /// interval on three seeds' accuracies reaches below 0).
    static func lines(_ grid: Grid, stem: String, paper: ((_ row: [String], _ column: String) -> Double?)? = nil,
                      bounds: ClosedRange<Double>? = nil) -> Body {
        let numeric = grid.columns.allSatisfy { Double($0) != nil }
        var data = "# x mean ci95 n label low high; one block per series\n"
        var plots: [String] = []
        for (i, row) in grid.rows.enumerated() {
            if i > 0 { data += "\n\n" }
            data += "# series \(seriesTitle(row))\n"
            for (position, column) in grid.columns.enumerated() {
                guard let s = grid.cell(row, column) else { continue }
                let x = numeric ? column : String(position)
                var (low, high) = (s.mean - (s.ci95 ?? 0), s.mean + (s.ci95 ?? 0))
                if let bounds { (low, high) = (max(low, bounds.lowerBound), min(high, bounds.upperBound)) }
                data += "\(x) \(s.mean) \(s.ci95 ?? 0) \(s.n) \(dataQuote(column)) \(low) \(high)\n"
            }
            let using = numeric ? "1:2:6:7" : "1:2:6:7:xtic(5)"
            plots.append("'\(stem).dat' index \(i) using \(using) with yerrorlines ls \(i + 1) title '\(gnuplotEscape(seriesTitle(row)))'")
        }
        // The paper's numbers: blocks after the series, one per series that has any.
        var block = grid.rows.count
        var reference: [Double] = []
        for (i, row) in grid.rows.enumerated() {
            guard let paper else { break }
            let points = grid.columns.enumerated().compactMap { position, column in
                paper(row, column).map { (numeric ? column : String(position), $0) }
            }
            guard !points.isEmpty else { continue }
            data += "\n\n# paper \(seriesTitle(row))\n" + points.map { "\($0.0) \($0.1)\n" }.joined()
            reference += points.map(\.1)
            plots.append("'\(stem).dat' index \(block) using 1:2 with points ls \(i + 1) \(FigureStyle.reference) title '\(gnuplotEscape(seriesTitle(row) + " (paper)"))'")
            block += 1
        }
        return Body(data: data, plot: "plot " + plots.joined(separator: ", \\\n     "),
                    values: grid.cells.values.map(\.mean) + reference, series: grid.rows.count, hasReference: !reference.isEmpty)
    }

    /// Clustered bars: one row per series, one (mean, ci) pair per column. The paper's
    /// numbers, where it has them, are open markers on the bars they correspond to.
    /// `single`: one value per row (no columns): its bars are keyed `ours` beside the paper.
    static func bars(_ grid: Grid, stem: String, paper: ((_ row: [String], _ column: String) -> Double?)? = nil,
                     single: Bool = false, bounds: ClosedRange<Double>? = nil) -> Body {
        var data = "# label" + grid.columns.map { " mean(\($0)) ci95(\($0))" }.joined() + "\n"
        for row in grid.rows {
            data += dataQuote(seriesTitle(row))
            for column in grid.columns {
                let s = grid.cell(row, column)
                data += " \(s.map { "\($0.mean)" } ?? "NaN") \(s.map { "\($0.ci95 ?? 0)" } ?? "NaN")"
            }
            data += "\n"
        }
        var plotted = grid.columns.enumerated().map { j, column in
            let using = j == 0 ? "\(2 + 2 * j):\(3 + 2 * j):xtic(1)" : "\(2 + 2 * j):\(3 + 2 * j)"
            return "'\(stem).dat' index 0 using \(using) ls \(j + 1) title '\(gnuplotEscape(single ? "ours" : column))'"
        }
        // gnuplot centres cluster i on x = i and gives each of its n bars 1 / (n + gap) of it.
        var reference: [Double] = []
        var yrange = bounds.map(FigureStyle.yrange) ?? "set yrange [0:*]\n"
        if let paper {
            // The axis stays fitted to our bars: a paper number far above them (a 7B model at
            // 8x our lengths) is left off, and the key says how many were.
            let top = 1.15 * (grid.cells.values.map { $0.mean + ($0.ci95 ?? 0) }.filter(\.isFinite).max() ?? 0)
            let n = Double(grid.columns.count), gap = Double(barGap)
            var block = "", above = 0
            for (i, row) in grid.rows.enumerated() {
                for (j, column) in grid.columns.enumerated() {
                    guard let value = paper(row, column) else { continue }
                    guard value <= top else { above += 1; continue }
                    block += "\(Double(i) + (Double(j) - (n - 1) / 2) / (n + gap)) \(value)\n"
                    reference.append(value)
                }
            }
            if !reference.isEmpty || above > 0 {
                yrange = "set yrange [0:\(top)]\n"
                data += "\n\n# paper: x y\n" + (block.isEmpty ? "NaN NaN\n" : block)
                let title = above == 0 ? "paper" : "paper (\(above) above the axis)"
                plotted.append("'\(stem).dat' index 1 using 1:2 with points lc rgb '#000000' \(FigureStyle.reference) title '\(title)'")
            }
        }
        let style = """
            set style data histogram
            set style histogram errorbars gap \(barGap) lw 1
            set style fill solid 0.7 border -1
            set xtics rotate by -20

            """ + yrange
        return Body(data: data, plot: style + "plot " + plotted.joined(separator: ", \\\n     "),
                    values: grid.cells.values.map(\.mean) + reference, series: grid.columns.count, hasReference: !reference.isEmpty)
    }

    /// Space between clusters of bars, in bar widths.
    static let barGap = 1

    /// Mean training curve over the seeds of each series (truncated to the shortest run).
    static func curves(_ grid: Grid, file: ResultFile, layout: FigureLayout, stem: String,
                       context: String) throws -> Body {
        guard case .curveLast(let name) = try ValuePath(layout.selection.value, context: context) else {
            throw UserError("\(context): a curves figure needs value curves/NAME, not '\(layout.selection.value)'")
        }
        var xName = "step"
        if let x = layout.x {
            guard case .curveLast(let name) = try ValuePath(x, context: context) else {
                throw UserError("\(context): a curves figure's x must be curves/NAME, not '\(x)'")
            }
            xName = name
        }
        var data = "# \(xName) mean n smoothed; one block per series\n"
        var plots: [String] = []
        var values: [Double] = []
        for (i, row) in grid.rows.enumerated() {
            let ids = grid.columns.flatMap { grid.runs[Grid.Key(row: row, column: $0)] ?? [] }
            let runs = ids.compactMap(file.run)
            let curves = runs.compactMap { $0.curves[name] }
            let length = curves.map(\.count).min() ?? 0
            let steps = runs.first?.curves[xName].flatMap { $0.count >= length ? $0 : nil }
            if i > 0 { data += "\n\n" }
            data += "# series \(seriesTitle(row))\n"
            let means = (0..<length).map { t in curves.reduce(0) { $0 + $1[t] } / Double(curves.count) }
            // Per-step curves are noisy: draw an average over about a tenth of the run on
            // top of the raw values; a curve of a few evaluations is drawn as measured.
            let smooth = length >= Self.smoothingThreshold
            let shown = smooth ? FigureStyle.smoothed(means, span: max(length / 10, 2)) : means
            for t in 0..<length {
                data += "\(steps.map { Label.number($0[t]) } ?? String(t + 1)) \(means[t]) \(curves.count) \(shown[t])\n"
            }
            values += means
            let title = gnuplotEscape(seriesTitle(row))
            if smooth {
                plots.append("'\(stem).dat' index \(i) using 1:2 with lines lc rgb '\(FigureStyle.faint(i))' lw 1 notitle")
                plots.append("'\(stem).dat' index \(i) using 1:4 with lines ls \(i + 1) title '\(title)'")
            } else {
                plots.append("'\(stem).dat' index \(i) using 1:2 with linespoints ls \(i + 1) title '\(title)'")
            }
        }
        return Body(data: data, plot: "plot " + plots.joined(separator: ", \\\n     "),
                    values: values, series: grid.rows.count)
    }

    /// Curves with at least this many points are drawn smoothed over their raw values.
    static let smoothingThreshold = 50

    /// A series' label, one line: it also heads the series' block in the data file.
    static func seriesTitle(_ row: [String]) -> String {
        row.isEmpty ? "all" : withoutControlCharacters(row.joined(separator: " / "))
    }
}

/// gnuplot single-quoted strings escape a quote by doubling it. A newline would end the
/// command and start another (gnuplot's `system()` runs shell commands), so every control
/// character becomes a space: strings from specs and result files stay data.
func gnuplotEscape(_ s: String) -> String { withoutControlCharacters(s).replacingOccurrences(of: "'", with: "''") }

/// Labels in data files are double-quoted so spaces do not split them; a newline would
/// split the record, so control characters become spaces here too.
func dataQuote(_ s: String) -> String {
    "\"" + withoutControlCharacters(s).replacingOccurrences(of: "\"", with: "'") + "\""
}

func withoutControlCharacters(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
}
