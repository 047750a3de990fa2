import Foundation

/// A scalar stored as an HDF5 attribute: run attributes, resources, analytic metrics.
public enum Value: Equatable, Sendable, CustomStringConvertible {
    case double(Double)
    case int(Int64)
    case string(String)

    /// Numbers as `Double` (integers converted); nil for strings.
    public var number: Double? {
        switch self {
        case .double(let x): return x
        case .int(let x): return Double(x)
        case .string: return nil
        }
    }

    public var description: String {
        switch self {
        case .double(let x): return Label.number(x)
        case .int(let x): return String(x)
        case .string(let s): return s
        }
    }
}

extension Value: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}

/// One column of a table, stored as a 1-D HDF5 dataset of float64, int64 or UTF-8 strings.
public enum Column: Equatable, Sendable {
    case double([Double])
    case int([Int64])
    case string([String])

    public var count: Int {
        switch self {
        case .double(let xs): return xs.count
        case .int(let xs): return xs.count
        case .string(let xs): return xs.count
        }
    }

    /// Element `i` as a scalar.
    public subscript(i: Int) -> Value {
        switch self {
        case .double(let xs): return .double(xs[i])
        case .int(let xs): return .int(xs[i])
        case .string(let xs): return .string(xs[i])
        }
    }
}

/// A table of equally long named columns, in order (e.g. one evaluation: `length`,
/// `perplexity`, `loss`, `tokens`, `windows`, `protocol`, `attention`).
public struct Table: Equatable, Sendable {
    public private(set) var columns: [(name: String, values: Column)]

    public init(_ columns: [(String, Column)] = []) {
        self.columns = columns.map { (name: $0.0, values: $0.1) }
    }

    /// Appends a column; `record` rejects tables whose columns differ in length.
    public mutating func append(_ name: String, _ values: Column) {
        columns.append((name: name, values: values))
    }

    public var names: [String] { columns.map(\.name) }

    public subscript(name: String) -> Column? {
        columns.first { $0.name == name }?.values
    }

    /// Rows in the table (0 for a table without columns).
    public var rowCount: Int { columns.first?.values.count ?? 0 }

    public static func == (a: Table, b: Table) -> Bool {
        a.columns.count == b.columns.count
            && zip(a.columns, b.columns).allSatisfy { $0.name == $1.name && $0.values == $1.values }
    }
}
