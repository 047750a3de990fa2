import Foundation
import Results
import Support

/// The root of an experiment's result file from its spec: experiment name, spec text,
/// layout (the spec's, or a default one), the paper's numbers, the tolerances and each
/// run's label.
public enum ResultHeaderBuilder {
    public static func header(_ spec: ExperimentSpec, runs: [PlannedRun]) throws -> ResultHeader {
        let layout = try self.layout(spec, runs: runs)
        let tolerances = spec.value("tolerances").value
        return ResultHeader(experiment: spec.experiment, spec: spec.text, layout: layout.json(),
                            paper: try paperJSON(spec, runs: runs, layout: layout),
                            tolerances: tolerances.mapValue?.isEmpty == false ? tolerances.canonicalJSON : nil,
                            labels: Dictionary(runs.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The rows of the default table and figures: each setting's label (`RunLabel`), which
    /// names what the sweep varies (its variants, grid and zip keys).
    static func sweptKeys(_ spec: ExperimentSpec) -> [String] {
        spec.variants.isEmpty && spec.grid.isEmpty && spec.zip.isEmpty ? ["finetune.attention"] : ["label"]
    }

    /// The spec's `layout.tables` / `layout.figures`, each defaulting when empty to: table
    /// `main` (perplexity, rows = swept keys, columns = evaluation length), figure
    /// `ppl-vs-length` (lines) and figure `loss` (fine-tuning loss curves).
    public static func layout(_ spec: ExperimentSpec, runs: [PlannedRun]) throws -> Layout {
        let given = try Layout.parse("{\"tables\": \(spec.value("layout.tables").value.canonicalJSON), "
            + "\"figures\": \(spec.value("layout.figures").value.canonicalJSON)}", source: "\(spec.file): layout")
        guard let first = runs.first else { return given }
        let rows = sweptKeys(spec)
        let plan = first.config.evaluate
        let dataset = plan.datasets.first.map { "\($0.corpus)-\($0.split.rawValue)" } ?? first.config.data.corpus
        let value = "eval/\(dataset)/perplexity"
        let attention = (plan.attention.first ?? .full).rawValue
        let protocolName = plan.evaluationProtocol.rawValue
        let whereAttention = ["attention": ScalarLabel(attention), "protocol": ScalarLabel(protocolName)]
        var layout = given
        if layout.tables.isEmpty {
            layout.tables = [TableLayout(
                name: "main", title: "Perplexity on \(dataset) (\(protocolName) protocol, \(attention) attention)",
                selection: Selection(rows: rows, columns: .eval("length"), value: value, where: whereAttention))]
        }
        if layout.figures.isEmpty {
            layout.figures = [
                FigureLayout(name: "ppl-vs-length", kind: .lines, title: "Perplexity vs evaluation length on \(dataset)",
                             selection: Selection(rows: rows, columns: .eval("length"), value: value, where: whereAttention),
                             xlabel: "evaluation length (tokens)", ylabel: "perplexity", logx: true),
                FigureLayout(name: "loss", kind: .curves, title: "Fine-tuning loss",
                             selection: Selection(rows: rows, value: "curves/loss"), xlabel: "step", ylabel: "loss"),
            ]
        }
        return layout
    }

    /// `paper.rows` ({setting: {column: value}}) as the result file's paper JSON for
    /// table `paper.table`: each setting's row labels are its values of the table's rows.
    static func paperJSON(_ spec: ExperimentSpec, runs: [PlannedRun], layout: Layout) throws -> String? {
        guard let settings = spec.value("paper.rows").value.mapValue, !settings.isEmpty else { return nil }
        let tableName = spec.value("paper.table").value.stringValue ?? "main"
        guard let table = layout.tables.first(where: { $0.name == tableName }) else {
            throw UserError("\(spec.file): paper.table '\(tableName)' is not a table of the layout (tables: \(layout.tables.map(\.name).joined(separator: ", ")))")
        }
        var entries: [[String: Any]] = []
        for setting in settings {
            guard let run = runs.first(where: { $0.setting == setting.key }) else {
                throw UserError("\(spec.file): paper.rows: '\(setting.key)' is not a setting of the sweep (settings: \(Set(runs.map(\.setting)).sorted().joined(separator: ", ")))")
            }
            let row = table.selection.rows.map { key in
                switch key {
                case "variant": run.variant ?? ""
                case "label": run.label
                default: label(run.values.entries[key]?.value)
                }
            }
            for cell in setting.value.mapValue ?? [] {
                entries.append(["row": row, "column": cell.key, "value": cell.value.doubleValue ?? 0])
            }
        }
        let data = try JSONSerialization.data(withJSONObject: [tableName: entries], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A config value as the tables label it (`1024`, not `1024.0`).
    static func label(_ value: SpecValue?) -> String {
        switch value {
        case .double(let x)?: return Label.number(x)
        case .int(let i)?: return String(i)
        case let v?: return v.display
        case nil: return ""
        }
    }
}
