import Foundation
import Results
import Support

/// Every number of a result file as one tidy table: one row per run and metric value,
/// with the run's configuration as columns, so that `pandas.read_csv`, `read_parquet` (or
/// `read_json(..., lines=True)`) gives a frame a researcher can group and pivot without h5py.
///
/// Columns, in order: `run`, `status`, `seed`, `config_hash`, then every scalar config key
/// of any run (dotted, as in the spec: `finetune.attention`), then `metric` (the metric
/// path: `eval/<dataset>/<column>`, `<group>/<name>`, `curves/<name>`), the keys of an
/// evaluation row (its integer and string columns: `length`, `protocol`, `attention`, ...),
/// `step` for curve points, and `value`.
public struct MetricExport {
    public enum Format: String, CaseIterable, Sendable {
        case csv, jsonl, parquet

        /// Parquet is binary: not for a terminal.
        public var isBinary: Bool { self == .parquet }
    }

    public private(set) var columns: [String]
    /// Cells by column name; a missing key is an empty cell (CSV) or an absent field (JSON).
    public private(set) var rows: [[String: ExportCell]]

    /// One cell: text or a number, so JSON keeps numbers as numbers.
    public enum ExportCell: Equatable, Sendable {
        case text(String)
        case integer(Int64)
        case number(Double)

        var csv: String {
            switch self {
            case .text(let s): return s
            case .integer(let x): return String(x)
            case .number(let x): return x.isFinite ? "\(x)" : (x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf"))
            }
        }

        var json: Any {
            switch self {
            case .text(let s): return s
            case .integer(let x): return x
            // JSON has no NaN or infinity: write them as strings pandas reads back as floats.
            case .number(let x): return x.isFinite ? x : (ExportCell.number(x).csv as Any)
            }
        }
    }

    /// Builds the table from `runs`; `curves` adds one row per training step of every curve.
    /// `config` gives a run's config as tables read it: a file's `ResultFile.config(of:)`,
    /// with the run's current label; by default the recorded config alone.
    public init(_ runs: [RunRecord], config configOf: (RunRecord) throws -> ConfigJSON = { try ConfigJSON($0.config, run: $0.id) },
                curves: Bool = false) throws {
        var configKeys: [String] = []
        var evalKeys: [String] = []
        var rows: [[String: ExportCell]] = []
        for run in runs {
            // A key named like a fixed column (a spec's top-level `seed`) keeps a prefix.
            let config = try configOf(run).scalars.map { key, value in
                (Self.reserved.contains(key) ? "config.\(key)" : key, value)
            }
            for (key, _) in config where !configKeys.contains(key) { configKeys.append(key) }
            var base: [String: ExportCell] = ["run": .text(run.id), "status": .text(run.status.rawValue),
                                              "seed": .integer(run.seed), "config_hash": .text(run.configHash)]
            for (key, value) in config { base[key] = value }
            func add(_ metric: String, _ value: ExportCell, _ extra: [String: ExportCell] = [:]) {
                var row = base
                row["metric"] = .text(metric)
                row["value"] = value
                row.merge(extra) { $1 }
                rows.append(row)
            }
            for (group, values) in run.metrics.sorted(by: { $0.key < $1.key }) {
                for (name, value) in values.sorted(by: { $0.key < $1.key }) { add("\(group)/\(name)", Self.cell(value)) }
            }
            for (dataset, table) in run.eval.sorted(by: { $0.key < $1.key }) {
                let keys = table.columns.filter { if case .double = $0.values { return false } else { return true } }
                    .map { (name: Self.reserved.contains($0.name) ? "eval.\($0.name)" : $0.name, values: $0.values) }
                for key in keys where !evalKeys.contains(key.name) { evalKeys.append(key.name) }
                for (name, column) in table.columns {
                    guard case .double(let xs) = column else { continue }
                    for (i, x) in xs.enumerated() {
                        let extra = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, Self.cell($0.values[i])) })
                        add("eval/\(dataset)/\(name)", .number(x), extra)
                    }
                }
            }
            if curves {
                for (name, xs) in run.curves.sorted(by: { $0.key < $1.key }) {
                    let steps = run.curves["step"]
                    for (i, x) in xs.enumerated() {
                        let step = steps.flatMap { i < $0.count ? ExportCell.number($0[i]) : nil } ?? .integer(Int64(i + 1))
                        add("curves/\(name)", .number(x), ["step": step])
                    }
                }
            }
        }
        evalKeys.removeAll(where: configKeys.contains)
        columns = ["run", "status", "seed", "config_hash"] + configKeys + ["metric"] + evalKeys
            + (curves ? ["step"] : []) + ["value"]
        self.rows = rows
    }

    /// The export's own columns; config keys and evaluation columns of these names get a prefix.
    static let reserved: Set<String> = ["run", "status", "seed", "config_hash", "metric", "value", "step"]

    static func cell(_ value: Value) -> ExportCell {
        switch value {
        case .double(let x): return .number(x)
        case .int(let x): return .integer(x)
        case .string(let s): return .text(s)
        }
    }

    /// The file's bytes: UTF-8 text for csv and jsonl, a Parquet file (see `parquetColumns`).
    public func render(_ format: Format) throws -> Data {
        switch format {
        case .csv:
            return Data(TextTable(header: columns, rows: rows.map { row in columns.map { row[$0]?.csv ?? "" } }).render(.csv).utf8)
        case .jsonl:
            return Data(try rows.map { row -> String in
                var object: [String: Any] = [:]
                for column in columns { if let cell = row[column] { object[column] = cell.json } }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                return String(decoding: data, as: UTF8.self)
            }.joined(separator: "\n").appending("\n").utf8)
        case .parquet:
            return try ParquetWriter.encode(parquetColumns)
        }
    }

    /// The columns typed for Parquet, nulls where the CSV has an empty cell: integers as int64
    /// (counts are int64 in the result file), numbers as double, text as UTF-8 strings. A
    /// column of integers and numbers (`value`) is double, as pandas reads it from the CSV, when
    /// every integer converts exactly; any other mix, and a column without values, is a
    /// string column holding the CSV's text.
    var parquetColumns: [ParquetWriter.Column] {
        columns.map { name in
            let cells = rows.map { $0[name] }
            let present = cells.compactMap { $0 }
            var integers: [Int64] = [], numbers = 0
            for cell in present {
                switch cell {
                case .integer(let x): integers.append(x)
                case .number: numbers += 1
                case .text: break
                }
            }
            if !present.isEmpty && integers.count == present.count {
                return .init(name, .int64(cells.map { if case .integer(let x)? = $0 { return x } else { return nil } }))
            }
            if !present.isEmpty && integers.count + numbers == present.count && integers.allSatisfy({ Double(exactly: $0) != nil }) {
                return .init(name, .double(cells.map {
                    switch $0 {
                    case .integer(let x)?: return Double(x)
                    case .number(let x)?: return x
                    default: return nil
                    }
                }))
            }
            return .init(name, .string(cells.map { $0?.csv }))
        }
    }
}

extension ConfigJSON {
    /// Every scalar of the configuration by dotted path (a list of scalars as one cell,
    /// other arrays indexed `key[i]`), in a
    /// stable order, typed so JSON exports keep numbers and booleans apart from text.
    var scalars: [(String, MetricExport.ExportCell)] {
        var out: [(String, MetricExport.ExportCell)] = []
        func walk(_ value: Any, _ prefix: String) {
            if let dictionary = value as? [String: Any] {
                for key in dictionary.keys.sorted() { walk(dictionary[key]!, prefix.isEmpty ? key : "\(prefix).\(key)") }
            } else if let array = value as? [Any] {
                // A list of scalars (lengths, trainable parts) stays one cell: `[128, 256, 512]`.
                let labels = array.compactMap(Label.json)
                if labels.count == array.count {
                    out.append((prefix, .text("[" + labels.joined(separator: ", ") + "]")))
                } else {
                    for (i, child) in array.enumerated() { walk(child, "\(prefix)[\(i)]") }
                }
            } else if let number = value as? NSNumber, String(cString: number.objCType) != "c" {
                // Integers stay integers (JSONSerialization reads `1024` as an integer NSNumber).
                let type = String(cString: number.objCType)
                out.append((prefix, ["d", "f"].contains(type) ? .number(number.doubleValue) : .integer(number.int64Value)))
            } else {
                out.append((prefix, .text(Label.json(value) ?? "")))
            }
        }
        walk(object, "")
        return out
    }
}
