import Foundation
import Support

/// The root `layout` attribute: which tables `longlora table` prints and which
/// figures `longlora plot` draws. The runner writes it from the spec; the JSON schema
/// is documented in docs/results-schema.md.
public struct Layout: Codable, Equatable, Sendable {
    public var tables: [TableLayout]
    public var figures: [FigureLayout]

    public init(tables: [TableLayout] = [], figures: [FigureLayout] = []) {
        self.tables = tables
        self.figures = figures
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tables = try c.decodeIfPresent([TableLayout].self, forKey: .tables) ?? []
        figures = try c.decodeIfPresent([FigureLayout].self, forKey: .figures) ?? []
    }

    /// Parses the layout JSON of result file `source` (named in errors).
    public static func parse(_ json: String, source: String) throws -> Layout {
        do {
            return try JSONDecoder().decode(Layout.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw UserError("\(source): invalid layout JSON: \(describe(error))")
        } catch {
            throw UserError("\(source): invalid layout JSON: \(error)")
        }
    }

    /// Compact JSON with sorted keys, as stored in the `layout` attribute.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// Names the key path of a decoding error (`tables[0].value: missing`).
func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}

/// Where a table's columns or a figure's x axis come from: a column of the
/// evaluation table (`{"eval": "length"}`) or a config key (`{"config": "finetune.context"}`).
public enum KeySource: Codable, Equatable, Sendable {
    case eval(String)
    case config(String)

    enum CodingKeys: String, CodingKey { case eval, config }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try c.decodeIfPresent(String.self, forKey: .eval) {
            self = .eval(name)
        } else if let path = try c.decodeIfPresent(String.self, forKey: .config) {
            self = .config(path)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected {\"eval\": COLUMN} or {\"config\": KEY.PATH}"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .eval(let name): try c.encode(name, forKey: .eval)
        case .config(let path): try c.encode(path, forKey: .config)
        }
    }

    /// The last path component: a short header (`length`, `context`).
    public var title: String {
        switch self {
        case .eval(let name): return name
        case .config(let path): return String(path.split(separator: ".").last ?? "")
        }
    }
}

/// A JSON scalar (string, number or bool) kept as its label, for `where` and `filter`.
public struct ScalarLabel: Codable, Equatable, Sendable {
    public var label: String

    public init(_ label: String) { self.label = label }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { label = b ? "true" : "false" }
        else if let x = try? c.decode(Double.self) { label = Label.number(x) }
        else { label = try c.decode(String.self) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let x = Double(label) { try c.encode(x) } else { try c.encode(label) }
    }
}

/// What one table or figure aggregates: which runs (`filter` on config keys), which
/// value (`value` path), which rows (`rows`: config keys) and columns (`columns`).
public struct Selection: Codable, Equatable, Sendable {
    /// Config key paths whose values label a row (a table) or a series (a figure).
    public var rows: [String]
    public var columns: KeySource?
    /// `eval/<dataset>/<column>`, `curves/<name>` (its last value) or `<group>/<name>`
    /// (a scalar of a metric group, e.g. `resources/peak_rss_bytes`).
    public var value: String
    /// Keeps only evaluation rows whose columns equal these values (e.g. `protocol`).
    public var `where`: [String: ScalarLabel]
    /// Keeps only runs whose config has these values.
    public var filter: [String: ScalarLabel]

    public init(rows: [String], columns: KeySource? = nil, value: String,
                where: [String: ScalarLabel] = [:], filter: [String: ScalarLabel] = [:]) {
        self.rows = rows
        self.columns = columns
        self.value = value
        self.where = `where`
        self.filter = filter
    }

    enum CodingKeys: String, CodingKey { case rows, columns, value, `where`, filter }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rows = try c.decodeIfPresent([String].self, forKey: .rows) ?? []
        columns = try c.decodeIfPresent(KeySource.self, forKey: .columns)
        value = try c.decode(String.self, forKey: .value)
        `where` = try c.decodeIfPresent([String: ScalarLabel].self, forKey: .where) ?? [:]
        filter = try c.decodeIfPresent([String: ScalarLabel].self, forKey: .filter) ?? [:]
    }
}

public struct TableLayout: Codable, Equatable, Sendable {
    public var name: String
    public var title: String?
    public var selection: Selection
    /// Decimals shown for means and CIs (default 2).
    public var digits: Int?

    public init(name: String, title: String? = nil, selection: Selection, digits: Int? = nil) {
        self.name = name
        self.title = title
        self.selection = selection
        self.digits = digits
    }

    enum CodingKeys: String, CodingKey { case name, title, digits }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        digits = try c.decodeIfPresent(Int.self, forKey: .digits)
        selection = try Selection(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(digits, forKey: .digits)
        try selection.encode(to: encoder)
    }
}

public struct FigureLayout: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Mean ± CI of `value` against `columns` (the x axis), one line per series.
        case lines
        /// Training curve `curve` against the step, one line per series (mean over seeds).
        case curves
        /// One bar (mean ± CI of `value`) per series: ablations.
        case bars
    }

    public var name: String
    public var kind: Kind
    public var title: String?
    /// For `lines` and `bars`: series = `rows`, x axis = `columns`. For `curves`,
    /// `value` is `curves/<name>` and `columns` is unused.
    public var selection: Selection
    public var xlabel: String?
    public var ylabel: String?
    public var logx: Bool
    public var logy: Bool
    /// For `curves`: the curve on the x axis, `curves/NAME` (default `curves/step`), e.g.
    /// `curves/eval_step` for a curve measured every k steps.
    public var x: String?

    public init(name: String, kind: Kind, title: String? = nil, selection: Selection,
                xlabel: String? = nil, ylabel: String? = nil, logx: Bool = false, logy: Bool = false, x: String? = nil) {
        self.x = x
        self.name = name
        self.kind = kind
        self.title = title
        self.selection = selection
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.logx = logx
        self.logy = logy
    }

    enum CodingKeys: String, CodingKey { case name, kind, title, xlabel, ylabel, logx, logy, x }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(Kind.self, forKey: .kind)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        xlabel = try c.decodeIfPresent(String.self, forKey: .xlabel)
        ylabel = try c.decodeIfPresent(String.self, forKey: .ylabel)
        logx = try c.decodeIfPresent(Bool.self, forKey: .logx) ?? false
        logy = try c.decodeIfPresent(Bool.self, forKey: .logy) ?? false
        x = try c.decodeIfPresent(String.self, forKey: .x)
        selection = try Selection(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(xlabel, forKey: .xlabel)
        try c.encodeIfPresent(ylabel, forKey: .ylabel)
        if logx { try c.encode(logx, forKey: .logx) }
        if logy { try c.encode(logy, forKey: .logy) }
        try c.encodeIfPresent(x, forKey: .x)
        try selection.encode(to: encoder)
    }
}
