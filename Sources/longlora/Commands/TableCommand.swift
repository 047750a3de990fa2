import ArgumentParser
import Foundation
import Reports
import Results
import Support

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Print the tables of a result file: mean ± 95% CI over seeds, the paper's numbers beside them.")

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    @Option(help: "Output format.")
    var format: TableFormat = .md

    @Option(help: "Only the table with this name (default: every table of the layout).")
    var table: String?

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var out: String?

    @Flag(help: "Every run, stale ones too (in rows of their own); default: the current runs.")
    var all = false

    @Flag(help: "Every run's own value (a row per run, its id beside its row labels) instead of mean ± CI over seeds.")
    var perRun = false

    func run() throws {
        let text = try Self.render(URL(fileURLWithPath: results), format: format, table: table, all: all, perRun: perRun)
        if let out {
            try AtomicFile.write(text, to: URL(fileURLWithPath: out))
        } else {
            print(text, terminator: "")
        }
    }

    /// The tables of a result file as text (also printed by `longlora run`).
    static func render(_ url: URL, format: TableFormat, table: String? = nil, all: Bool = false, perRun: Bool = false) throws -> String {
        let file = try ResultFile.read(url).forTables(all: all)
        let layout = try Layout.parse(file.header.layout, source: url.path)
        let paper = try PaperNumbers.parse(file.header.paper, source: url.path)
        var tables = layout.tables
        if let table {
            tables = tables.filter { $0.name == table }
            guard !tables.isEmpty else {
                let names = layout.tables.map(\.name).joined(separator: ", ")
                throw UserError("\(url.path): no table '\(table)' in the layout (tables: \(names.isEmpty ? "none" : names))")
            }
        }
        guard !tables.isEmpty else { throw UserError("\(url.path): the layout defines no tables") }
        return try tables.map { layout in
            let grid = try Grid.build(file, layout.selection, name: "table \(layout.name)")
            let table = GridTable(layout: layout, grid: grid, paper: paper)
            return perRun ? table.renderPerRun(format) : table.render(format)
        }.joined(separator: "\n")
    }
}
