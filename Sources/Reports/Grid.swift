import Foundation
import Results
import Support

/// Complete runs aggregated into cells: one row per combination of `rows` config
/// values, one column per value of `columns`, each cell the `Summary` of the runs
/// (seeds) of one setting. Tables print a grid; line and bar figures draw one.
public struct Grid: Sendable {
    public struct Key: Hashable, Sendable {
        public var row: [String]
        public var column: String
    }

    /// Config key paths labelling the rows, and the label tuples in order of first appearance.
    public var rowKeys: [String]
    public var rows: [[String]]
    /// Column labels: numeric order if every label is a number, else order of first appearance.
    public var columns: [String]
    public var cells: [Key: Summary]
    /// The run ids behind each cell, for error messages and provenance.
    public var runs: [Key: [String]]

    public func cell(_ row: [String], _ column: String) -> Summary? {
        cells[Key(row: row, column: column)]
    }

    /// Aggregates `file`'s complete runs as `selection` says. `name` (e.g. `table main`)
    /// prefixes error messages. Config keys in which runs of one row differ by more than
    /// their seed (runs added with `--set`, or a `stale` mark) are added to the rows, in
    /// key order, so that such runs sit beside each other instead of being averaged.
    public static func build(_ file: ResultFile, _ selection: Selection, name: String) throws -> Grid {
        let value = try ValuePath(selection.value, context: name)
        // First the runs that contribute values, with their row labels and settings.
        var found: [(run: String, row: [String], setting: [String: String], values: [(String, Double)])] = []
        for run in file.runs where run.status == .complete {
            let config = try file.config(of: run)
            guard selection.filter.allSatisfy({ config.label(at: $0.key) == $0.value.label }) else { continue }
            // A key a run does not read is absent from its config: `n/a` in its row, as
            // long as some run has the key (else the layout names no key of the sweep).
            let row = selection.rows.map { config.label(at: $0) ?? ConfigJSON.notApplicable }
            let values = try value.values(in: run, columns: selection.columns, config: config,
                                          where: selection.where, context: name)
            if !values.isEmpty { found.append((run.id, row, config.settingWithoutSeed, values)) }
        }
        for (index, key) in selection.rows.enumerated() where !found.isEmpty && found.allSatisfy({ $0.row[index] == ConfigJSON.notApplicable }) {
            throw UserError("\(name): run '\(found[0].run)' has no scalar config key '\(key)'")
        }
        var given = selection.rows + selection.filter.keys
        if case .config(let path)? = selection.columns { given.append(path) }
        let extraRows = differingKeys(found.map { ($0.row, $0.setting, Set($0.values.map(\.0))) }, excluding: given)
        var grid = Grid(rowKeys: selection.rows + extraRows, rows: [], columns: [], cells: [:], runs: [:])
        var samples: [Key: [(run: String, value: Double)]] = [:]
        var columnOrder: [String] = []
        for entry in found {
            // `-`: the run lacks the key (a current run beside `stale` ones, or a key it does not read).
            let row = entry.row + extraRows.map { entry.setting[$0] ?? "-" }
            for (column, x) in entry.values {
                if !grid.rows.contains(row) { grid.rows.append(row) }
                if !columnOrder.contains(column) { columnOrder.append(column) }
                samples[Key(row: row, column: column), default: []].append((entry.run, x))
            }
        }
        let numbers = columnOrder.compactMap(Double.init)
        grid.columns = numbers.count == columnOrder.count
            ? columnOrder.sorted { Double($0)! < Double($1)! } : columnOrder
        for (key, list) in samples {
            grid.cells[key] = Summary(list.map(\.value))
            grid.runs[key] = list.map(\.run)
        }
        return grid
    }

    /// The setting keys (other than `excluded`: rows, columns, filters) whose labels
    /// differ among runs of one row that fill the same column. Keys that move with the
    /// column (the position interpolation factor of a context swept as the x axis) do not
    /// split a series.
    static func differingKeys(_ runs: [(row: [String], setting: [String: String], columns: Set<String>)],
                              excluding excluded: [String]) -> [String] {
        var groups: [[String]: [(setting: [String: String], columns: Set<String>)]] = [:]
        for run in runs { groups[run.row, default: []].append((run.setting, run.columns)) }
        var keys = Set<String>()
        for members in groups.values {
            for key in Set(members.flatMap(\.setting.keys)) where !excluded.contains(key) && !keys.contains(key) {
                for (i, a) in members.enumerated() {
                    if members[(i + 1)...].contains(where: { b in
                        !a.columns.isDisjoint(with: b.columns) && (a.setting[key] ?? "-") != (b.setting[key] ?? "-")
                    }) { keys.insert(key); break }
                }
            }
        }
        return keys.sorted()
    }
}

/// A parsed `value` path of the layout: where in a run a number lives.
enum ValuePath {
    case eval(dataset: String, column: String)
    case curveLast(String)
    case metric(group: String, name: String)

    init(_ path: String, context: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("eval", 3): self = .eval(dataset: parts[1], column: parts[2])
        case ("curves", 2): self = .curveLast(parts[1])
        case (_, 2) where !parts[0].isEmpty && !parts[1].isEmpty: self = .metric(group: parts[0], name: parts[1])
        default:
            throw UserError("\(context): value '\(path)' is not eval/DATASET/COLUMN, curves/NAME or GROUP/NAME")
        }
    }

    /// (column label, value) pairs this run contributes; empty if the run lacks the value.
    func values(in run: RunRecord, columns: KeySource?, config: ConfigJSON,
                where conditions: [String: ScalarLabel], context: String) throws -> [(String, Double)] {
        let runLevel: Double?
        switch self {
        case .eval(let dataset, let columnName):
            guard let table = run.eval[dataset], let column = table[columnName] else { return [] }
            var out: [(String, Double)] = []
            for i in 0..<table.rowCount {
                let matches = try conditions.allSatisfy { key, wanted in
                    guard let c = table[key] else {
                        throw UserError("\(context): run '\(run.id)': eval/\(dataset) has no column '\(key)' (used in where)")
                    }
                    return c[i].description == wanted.label
                }
                guard matches, let x = column[i].number else { continue }
                let label: String
                switch columns {
                case .eval(let name):
                    guard let c = table[name] else {
                        throw UserError("\(context): run '\(run.id)': eval/\(dataset) has no column '\(name)'")
                    }
                    label = c[i].description
                case .config(let path): label = try configLabel(config, path, run: run, context: context)
                case nil: label = columnName
                }
                if out.contains(where: { $0.0 == label }) {
                    throw UserError("\(context): run '\(run.id)': several eval/\(dataset) rows for column '\(label)'",
                                    hint: "add a 'where' condition (e.g. on protocol) to the layout")
                }
                out.append((label, x))
            }
            return out
        case .curveLast(let name): runLevel = run.curves[name]?.last
        case .metric(let group, let name): runLevel = run.metrics[group]?[name]?.number
        }
        guard let x = runLevel else { return [] }
        switch columns {
        case .eval:
            throw UserError("\(context): columns from an eval column need an eval/... value")
        case .config(let path): return [(try configLabel(config, path, run: run, context: context), x)]
        case nil: return [(String(describingLast()), x)]
        }
    }

    private func describingLast() -> String {
        switch self {
        case .eval(_, let column): return column
        case .curveLast(let name): return name
        case .metric(_, let name): return name
        }
    }

    private func configLabel(_ config: ConfigJSON, _ path: String, run: RunRecord, context: String) throws -> String {
        guard let label = config.label(at: path) else {
            throw UserError("\(context): run '\(run.id)' has no scalar config key '\(path)'")
        }
        return label
    }
}
