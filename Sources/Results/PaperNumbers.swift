import Foundation
import Support

/// The root `paper` attribute: the paper's reference numbers, keyed like our tables
/// so they can be printed side by side:
/// `{"<table>": [{"row": ["s2", "1024"], "column": 8192, "value": 8.12}, ...]}`.
/// `row` lists the labels of the table's `rows` keys in order; `column` is a column label.
public struct PaperNumbers: Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var row: [ScalarLabel]
        public var column: ScalarLabel?
        public var value: Double
    }

    public var tables: [String: [Entry]]

    public init(tables: [String: [Entry]] = [:]) { self.tables = tables }

    public static func parse(_ json: String?, source: String) throws -> PaperNumbers {
        guard let json else { return PaperNumbers() }
        do {
            return PaperNumbers(tables: try JSONDecoder().decode([String: [Entry]].self, from: Data(json.utf8)))
        } catch let error as DecodingError {
            throw UserError("\(source): invalid paper JSON: \(describe(error))")
        }
    }

    /// The paper's number for a cell; `column` nil matches entries without a column.
    public func value(table: String, row: [String], column: String?) -> Double? {
        tables[table]?.first { entry in
            entry.row.map(\.label) == row && (entry.column?.label == column || (entry.column == nil && column == nil))
        }?.value
    }

    public func has(table: String) -> Bool { !(tables[table] ?? []).isEmpty }
}
