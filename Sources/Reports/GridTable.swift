import Foundation
import Results
import Support

/// A `Grid` as a table, with the paper's numbers beside ours: Markdown and LaTeX get one
/// wide table of `mean ± ci` cells, CSV one tidy line per cell.
public struct GridTable {
    public var layout: TableLayout
    public var grid: Grid
    public var paper: PaperNumbers

    public init(layout: TableLayout, grid: Grid, paper: PaperNumbers = PaperNumbers()) {
        self.layout = layout
        self.grid = grid
        self.paper = paper
    }

    var digits: Int { layout.digits ?? 2 }
    var withPaper: Bool { paper.has(table: layout.name) }
    var rowTitles: [String] { grid.rowKeys.map { String($0.split(separator: ".").last ?? "") } }
    /// The paper entries use no column label when the table has no `columns` key.
    func paperValue(_ row: [String], _ column: String) -> Double? {
        // Paper rows name the layout's rows only, not rows added for differing keys.
        let row = Array(row.prefix(layout.selection.rows.count))
        return paper.value(table: layout.name, row: row, column: layout.selection.columns == nil ? nil : column)
            ?? paper.value(table: layout.name, row: row, column: column)
    }

    public func render(_ format: TableFormat) -> String {
        (format == .csv ? tidy() : wide()).render(format)
    }

    /// `mean ± ci` (or the mean alone for one seed); `–` where no run has the cell.
    func text(_ summary: Summary?) -> String {
        guard let s = summary else { return "–" }
        let mean = Label.fixed(s.mean, digits: digits)
        guard let ci = s.ci95 else { return mean }
        return "\(mean) ± \(Label.fixed(ci, digits: digits))"
    }

    /// One row per grid row, a column (and its paper column) per grid column.
    func wide() -> TextTable {
        let prefix = layout.selection.columns.map { "\($0.title)=" } ?? ""
        let header = rowTitles + grid.columns.flatMap { column -> [String] in
            let title = layout.selection.columns == nil ? column : "\(prefix)\(column)"
            return withPaper ? [title, title + " (paper)"] : [title]
        }
        let rows = grid.rows.map { row in
            row + grid.columns.flatMap { column -> [String] in
                let ours = text(grid.cell(row, column))
                guard withPaper else { return [ours] }
                return [ours, paperValue(row, column).map { Label.fixed($0, digits: digits) } ?? "–"]
            }
        }
        return TextTable(header: header, rows: rows,
                         alignments: header.indices.map { $0 < rowTitles.count ? .left : .right },
                         title: layout.title,
                         notes: ["_mean ± 95% CI over seeds (Student t); n = seeds per cell: \(seedCounts())_"])
    }

    /// One line per cell, so spreadsheets and pandas need no parsing of "±".
    func tidy() -> TextTable {
        var header = rowTitles + [layout.selection.columns?.title ?? "metric", "mean", "ci95", "n"]
        if withPaper { header.append("paper") }
        var rows: [[String]] = []
        for row in grid.rows {
            for column in grid.columns {
                guard let s = grid.cell(row, column) else { continue }
                var fields = row + [column, "\(s.mean)", s.ci95.map { "\($0)" } ?? "", "\(s.n)"]
                if withPaper { fields.append(paperValue(row, column).map { "\($0)" } ?? "") }
                rows.append(fields)
            }
        }
        return TextTable(header: header, rows: rows)
    }

    /// Every run's own value instead of the summary: one row per run (its row labels and
    /// id), one column per grid column, full precision in CSV; `–` (CSV: empty) where the run
    /// has no value. What `table --per-run` prints.
    public func renderPerRun(_ format: TableFormat) -> String {
        let prefix = layout.selection.columns.map { "\($0.title)=" } ?? ""
        let header = rowTitles + ["run"] + grid.columns.map { layout.selection.columns == nil ? $0 : "\(prefix)\($0)" }
        var rows: [[String]] = []
        for row in grid.rows {
            var runs: [String] = []
            for column in grid.columns { for run in grid.runs[Grid.Key(row: row, column: column)] ?? [] where !runs.contains(run) { runs.append(run) } }
            for run in runs {
                rows.append(row + [run] + grid.columns.map { column in
                    let key = Grid.Key(row: row, column: column)
                    guard let index = grid.runs[key]?.firstIndex(of: run), let x = grid.cells[key]?.values[index] else {
                        return format == .csv ? "" : "–"
                    }
                    return format == .csv ? "\(x)" : Label.fixed(x, digits: digits)
                })
            }
        }
        return TextTable(header: header, rows: rows,
                         alignments: header.indices.map { $0 <= rowTitles.count ? .left : .right },
                         title: layout.title.map { "\($0) (per run)" } ?? "per run").render(format)
    }

    func seedCounts() -> String {
        let counts = Set(grid.cells.values.map(\.n)).sorted()
        return counts.isEmpty ? "none" : counts.map(String.init).joined(separator: ", ")
    }
}
