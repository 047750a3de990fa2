/// The formats every table of the harness can be printed in (`table`, `flops`, `estimate`,
/// `eval`; `bench` prints Markdown).
public enum TableFormat: String, CaseIterable, Sendable {
    case md, csv, latex
}

/// A header and rows of already-formatted cells, printed by one set of rules: Markdown
/// (`|` escaped), CSV (RFC 4180 quoting) or a booktabs LaTeX tabular (special characters
/// escaped). What a cell says is the caller's; how it is quoted is decided only here.
public struct TextTable: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable {
        case left, right
    }

    public var header: [String]
    public var rows: [[String]]
    /// One per column; Markdown and LaTeX only.
    public var alignments: [Alignment]
    /// Markdown: a bold line above the table; LaTeX: a comment line; CSV: none.
    public var title: String?
    /// Markdown lines below the table (footnotes); CSV and LaTeX carry none.
    public var notes: [String]

    /// `alignments` defaults to every column left-aligned.
    public init(header: [String], rows: [[String]] = [], alignments: [Alignment]? = nil,
                title: String? = nil, notes: [String] = []) {
        precondition(alignments.map { $0.count == header.count } ?? true, "one alignment per column")
        self.header = header
        self.rows = rows
        self.alignments = alignments ?? header.map { _ in .left }
        self.title = title
        self.notes = notes
    }

    public func render(_ format: TableFormat) -> String {
        switch format {
        case .md: return markdown()
        case .csv: return csv()
        case .latex: return latex()
        }
    }

    func markdown() -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map(Self.markdownEscape).joined(separator: " | ") + " |" }
        var lines: [String] = []
        if let title { lines += ["**\(title)**", ""] }
        lines.append(line(header))
        lines.append("|" + alignments.map { $0 == .right ? "---:|" : "---|" }.joined())
        lines += rows.map(line)
        if !notes.isEmpty { lines += [""] + notes }
        return lines.joined(separator: "\n") + "\n"
    }

    func latex() -> String {
        func line(_ cells: [String]) -> String { cells.map(Self.latexEscape).joined(separator: " & ") + " \\\\" }
        var lines: [String] = []
        if let title { lines.append("% " + title.replacingOccurrences(of: "\n", with: " ")) }
        lines.append("\\begin{tabular}{" + alignments.map { $0 == .right ? "r" : "l" }.joined() + "}")
        lines += ["\\toprule", line(header), "\\midrule"] + rows.map(line) + ["\\bottomrule", "\\end{tabular}"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A cell inside a Markdown table row: a `|` would end the cell, a newline the row.
    static func markdownEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Text as LaTeX prints it: the ten special characters escaped, `±` and `–` (the
    /// Markdown cells' plus-minus and missing-value dash) as `$\pm$` and `--`.
    static func latexEscape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\\(ch)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "±": out += "$\\pm$"
            case "–": out += "--"
            case "\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
