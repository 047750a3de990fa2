/// A header and rows of already-formatted cells, printed as Markdown or CSV.
public struct TextTable: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case md, csv

        public static func parse(_ name: String) throws -> Format {
            if let found = Format(rawValue: name) { return found }
            throw MetricsError.unknown("format", name, allCases.map(\.rawValue))
        }
    }

    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .csv:
            return ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .md:
            let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
            let rule = "|" + header.map { _ in "---|" }.joined()
            return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
        }
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Fixed-point text with `decimals` digits (no locale, no exponent).
public func fixed(_ x: Double, _ decimals: Int) -> String {
    let r = roundTo(x, decimals)
    if decimals <= 0 { return String(Int64(r)) }
    let negative = r < 0
    var scaled = (abs(r) * pow10(decimals)).rounded()
    let unit = pow10(decimals)
    let whole = (scaled / unit).rounded(.down)
    scaled -= whole * unit
    var frac = String(Int64(scaled))
    frac = String(repeating: "0", count: max(0, decimals - frac.count)) + frac
    return (negative ? "-" : "") + String(Int64(whole)) + "." + frac
}

func pow10(_ n: Int) -> Double {
    var x = 1.0
    for _ in 0..<max(0, n) { x *= 10 }
    return x
}
