import Foundation
import Support

/// Prints a `Grid` as Markdown, CSV or LaTeX, with the paper's numbers beside ours.
public enum TableFormat: String, CaseIterable, Sendable {
    case md, csv, latex
}

public struct TableRenderer {
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
        switch format {
        case .md: return markdown()
        case .csv: return csv()
        case .latex: return latex()
        }
    }

    /// `mean ± ci` (or the mean alone for one seed), `pm` being the plus-minus sign.
    func text(_ summary: Summary?, pm: String) -> String? {
        guard let s = summary else { return nil }
        let mean = Label.fixed(s.mean, digits: digits)
        guard let ci = s.ci95 else { return mean }
        return "\(mean)\(pm)\(Label.fixed(ci, digits: digits))"
    }

    func headers(paperSuffix: String) -> [String] {
        let prefix = layout.selection.columns.map { "\($0.title)=" } ?? ""
        return rowTitles + grid.columns.flatMap { column -> [String] in
            let title = layout.selection.columns == nil ? column : "\(prefix)\(column)"
            return withPaper ? [title, title + paperSuffix] : [title]
        }
    }

    func markdown() -> String {
        var lines: [String] = []
        if let title = layout.title { lines.append("**\(title)**"); lines.append("") }
        let header = headers(paperSuffix: " (paper)")
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + header.indices.map { $0 < rowTitles.count ? "---|" : "---:|" }.joined())
        for row in grid.rows {
            var cells = row.map { $0.replacingOccurrences(of: "|", with: "\\|") }
            for column in grid.columns {
                cells.append(text(grid.cell(row, column), pm: " ± ") ?? "–")
                if withPaper { cells.append(paperValue(row, column).map { Label.fixed($0, digits: digits) } ?? "–") }
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("_mean ± 95% CI over seeds (Student t); n = seeds per cell: \(seedCounts())_")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Tidy CSV, one line per cell, so spreadsheets and pandas need no parsing of "±".
    func csv() -> String {
        let columnTitle = layout.selection.columns?.title ?? "metric"
        var header = rowTitles + [columnTitle, "mean", "ci95", "n"]
        if withPaper { header.append("paper") }
        var lines = [header.map(csvField).joined(separator: ",")]
        for row in grid.rows {
            for column in grid.columns {
                guard let s = grid.cell(row, column) else { continue }
                var fields = row + [column, "\(s.mean)", s.ci95.map { "\($0)" } ?? "", "\(s.n)"]
                if withPaper { fields.append(paperValue(row, column).map { "\($0)" } ?? "") }
                lines.append(fields.map(csvField).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func latex() -> String {
        let header = headers(paperSuffix: " (paper)").map(latexEscape)
        let alignment = String(repeating: "l", count: rowTitles.count)
            + String(repeating: "r", count: header.count - rowTitles.count)
        var lines = ["\\begin{tabular}{\(alignment)}", "\\toprule", header.joined(separator: " & ") + " \\\\", "\\midrule"]
        for row in grid.rows {
            var cells = row.map(latexEscape)
            for column in grid.columns {
                cells.append(text(grid.cell(row, column), pm: " $\\pm$ ") ?? "--")
                if withPaper { cells.append(paperValue(row, column).map { Label.fixed($0, digits: digits) } ?? "--") }
            }
            lines.append(cells.joined(separator: " & ") + " \\\\")
        }
        lines += ["\\bottomrule", "\\end{tabular}"]
        if let title = layout.title { lines.insert("% \(title)", at: 0) }
        return lines.joined(separator: "\n") + "\n"
    }

    func seedCounts() -> String {
        let counts = Set(grid.cells.values.map(\.n)).sorted()
        return counts.isEmpty ? "none" : counts.map(String.init).joined(separator: ", ")
    }
}

func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

func latexEscape(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "\\": out += "\\textbackslash{}"
        case "&", "%", "$", "#", "_", "{", "}": out += "\\\(ch)"
        case "~": out += "\\textasciitilde{}"
        case "^": out += "\\textasciicircum{}"
        default: out.append(ch)
        }
    }
    return out
}
