import CSV
import Foundation
import Results
import Support
import Testing

/// The README's "Your own sweep" section, done as a reader does it: its YAML saved under the
/// name the section gives, then each line of its shell block run as written, by `sh`, in a
/// fresh folder whose `.build/release/longlora` is the `longlora` this test run built (no
/// corpus, no results: `run` builds pg19-mini and pretrains the base itself). A changed key,
/// option, file name or claim in the section fails here.
@Suite struct ReadmeWalkthroughTests {
    static let heading = "### Your own sweep"
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("readme-sweep-\(UUID().uuidString)")

    /// The section's prose, its one `yaml` block and the lines of its one `sh` block.
    struct Section {
        var prose = ""
        var yaml: [String] = []
        var commands: [String] = []
    }

    static func section() throws -> Section {
        let readme = try String(contentsOf: ReadmeCommandTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: heading), "README has no \(heading) section")
        var section = Section()
        var block: String? = nil  // the open block's language
        var yamlBlocks = 0, shBlocks = 0
        var pending = ""
        for line in lines[(start + 1)...] {
            if block == nil, line.hasPrefix("#") { break }  // the next heading
            if line.hasPrefix("```") {
                if block == nil {
                    block = String(line.dropFirst(3))
                    if block == "yaml" { yamlBlocks += 1 } else if block == "sh" { shBlocks += 1 }
                } else { block = nil }
                continue
            }
            switch block {
            case nil: section.prose += line + "\n"
            case "yaml": section.yaml.append(line)
            case "sh":
                pending += line.hasSuffix("\\") ? String(line.dropLast()) : line
                if line.hasSuffix("\\") { continue }
                if !pending.trimmingCharacters(in: .whitespaces).isEmpty { section.commands.append(pending) }
                pending = ""
            default: Issue.record("README \(heading): a ```\(block!) block; the test reads only yaml and sh")
            }
        }
        #expect(yamlBlocks == 1 && shBlocks == 1, "README \(heading): \(yamlBlocks) yaml and \(shBlocks) sh blocks, expected one of each")
        return section
    }

    /// A command's words without its shell comment and without the program.
    static func words(_ command: String) -> [String] {
        let text = command.range(of: " #").map { String(command[..<$0.lowerBound]) } ?? command
        return text.split(separator: " ").dropFirst().map(String.init)
    }

    /// The value after `option` in `words`.
    static func value(_ option: String, in words: [String]) -> String? {
        words.firstIndex(of: option).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
    }

    @Test func theYourOwnSweepSectionRunsAsWritten() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let section = try Self.section()
        let program = ".build/release/longlora"

        // The spec, saved under the name its first line and the prose give.
        let first = try #require(section.yaml.first)
        let specName = String(first.dropFirst(2))
        try #require(first.hasPrefix("# ") && specName.hasSuffix(".yaml"), "the YAML's first line names its file: \(first)")
        #expect(section.prose.contains("`\(specName)`"), "the prose does not say to save the spec as \(specName)")
        let release = root.appendingPathComponent(".build/release")
        try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: release.appendingPathComponent("longlora"), withDestinationURL: CLI.binary)
        try (section.yaml.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent(specName), atomically: true, encoding: .utf8)

        // Every line, as typed: only harness commands (the test runs them through sh).
        var outputs: [(words: [String], stdout: String, started: Date)] = []
        for command in section.commands {
            try #require(command.hasPrefix(program + " "), "not a \(program) command: \(command)")
            let started = Date()
            let result = try #require(Shell.run(["sh", "-c", command], in: root))
            let stdout = String(decoding: result.stdout, as: UTF8.self)
            try #require(result.status == 0, "`\(command)` exited \(result.status): \(String(decoding: result.stderr, as: UTF8.self))")
            outputs.append((Self.words(command), stdout, started))
        }
        func output(_ subcommand: String, with option: String? = nil, without: String? = nil) throws -> (words: [String], stdout: String, started: Date) {
            try #require(outputs.first { output in
                output.words.first == subcommand && option.map { output.words.contains($0) } != false
                    && without.map { output.words.contains($0) } != true
            },
                         "the section shows no `longlora \(subcommand)\(option.map { " " + $0 } ?? "")`")
        }

        // The dry run's count is the sweep's (merges applied); the prose states it.
        let dryRun = try output("run", with: "--dry-run")
        let counted = try #require(dryRun.stdout.firstMatch(of: #/: (\d+) runs? -> (\S+)\n/#), "\(dryRun.stdout)")
        let runCount = Int(counted.1)!, resultsPath = String(counted.2)
        #expect(section.prose.contains("\(runCount) runs"), "the prose does not say the sweep makes \(runCount) runs")
        _ = try output("run", without: "--dry-run")

        // The result file holds every run, complete; status says so.
        let status = try output("status")
        #expect(status.words.dropFirst().first == resultsPath, "status reads \(status.words), run wrote \(resultsPath)")
        let file = try ResultFile.read(root.appendingPathComponent(resultsPath))
        #expect(file.runs.count == runCount && file.runs.allSatisfy { $0.status == .complete },
                "\(file.runs.map { "\($0.id) \($0.status)" })")
        #expect(status.stdout.contains("\(runCount) runs: \(runCount) complete"), "\(status.stdout)")

        // The table has a row per setting, by its label (the spec's or the made-up one).
        var labels: [String: String] = [:]
        for run in file.runs { labels[run.id] = try #require(try ConfigJSON(run.config, run: run.id).label(at: "label")) }
        let settings = Set(labels.values), seeds = Set(file.runs.map(\.seed))
        #expect(settings.count * seeds.count == runCount, "labels \(settings) do not tell the settings apart")
        let table = try output("table", without: "--per-run")
        for label in settings { #expect(table.stdout.contains("| \(label) |"), "table lacks \(label): \(table.stdout)") }

        // The export: one row per run and metric (and evaluation row), every run in it.
        let export = try output("export")
        let csvPath = try #require(Self.value("--out", in: export.words))
        let reader = try CSVReader(string: String(contentsOf: root.appendingPathComponent(csvPath), encoding: .utf8), hasHeaderRow: true)
        let header = try #require(reader.headerRow)
        let valueColumn = try #require(header.firstIndex(of: "value")), runColumn = try #require(header.firstIndex(of: "run"))
        let metricColumn = try #require(header.firstIndex(of: "metric")), lengthColumn = try #require(header.firstIndex(of: "length"))
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        #expect(rows.allSatisfy { $0.count == header.count })
        let keys = rows.map { row in row.indices.filter { $0 != valueColumn }.map { row[$0] } }
        #expect(Set(keys).count == rows.count, "two CSV rows for one run and metric")
        let rowsPerRun = Dictionary(grouping: rows, by: { $0[runColumn] })
        #expect(Set(rowsPerRun.keys) == Set(file.runs.map(\.id)))
        #expect(Set(rowsPerRun.values.map(\.count)).count == 1, "runs of one sweep export different metrics")

        // The per-run table shows each run's own perplexities, the export's to 2 decimals.
        let perRun = try output("table", with: "--per-run")
        let perplexity = Set(rows.map { $0[metricColumn] }.filter { $0.hasPrefix("eval/") && $0.hasSuffix("/perplexity") })
        #expect(perplexity.count == 1, "\(perplexity)")
        let tableLines = perRun.stdout.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        let columns = try #require(tableLines.first { $0.first == "label" })
        for run in file.runs {
            let cells = try #require(tableLines.first { $0.count == columns.count && $0[1] == run.id }, "per-run table lacks \(run.id)")
            #expect(cells[0] == labels[run.id])
            for row in rowsPerRun[run.id] ?? [] where perplexity.contains(row[metricColumn]) {
                let column = try #require(columns.firstIndex(of: "length=\(row[lengthColumn])"), "\(columns)")
                #expect(cells[column] == String(format: "%.2f", Double(row[valueColumn])!), "\(run.id) at \(row[lengthColumn])")
            }
        }

        // Plot draws every figure in every format asked for, fresh and non-empty.
        let plot = try output("plot")
        let formats = (Self.value("--format", in: plot.words) ?? "png").split(separator: ",").map(String.init)
        let figures = plot.stdout.split(separator: "\n").map(String.init)
        #expect(figures.count >= 2 * formats.count, "\(plot.stdout)")
        for format in formats { #expect(figures.contains { $0.hasSuffix(".\(format)") }, "no .\(format) figure: \(figures)") }
        for figure in figures {
            let url = root.appendingPathComponent(figure)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            #expect((attributes[.size] as? Int ?? 0) > 0 && (attributes[.modificationDate] as? Date ?? .distantPast) >= plot.started.addingTimeInterval(-1),
                    "\(figure) empty or not drawn by plot")
            let head = String(decoding: try Data(contentsOf: url).prefix(400), as: UTF8.self)
            if figure.hasSuffix(".pdf") { #expect(head.hasPrefix("%PDF"), "\(figure)") }
            if figure.hasSuffix(".svg") { #expect(head.contains("<svg"), "\(figure)") }
        }
    }
}
