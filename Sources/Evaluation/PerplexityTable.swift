import Foundation

/// Renders perplexity rows for `longlora eval --format csv|md`.
public enum PerplexityTable {
    /// The CSV header, fixed: scripts and the result store rely on these names.
    public static let csvHeader = "data,length,protocol,stride,attention,windows,tokens,loss,perplexity,bits_per_byte"

    public static func csv(_ rows: [PerplexityResult]) -> String {
        var lines = [csvHeader]
        for r in rows {
            lines.append([
                csvField(r.data), "\(r.length)", r.evaluationProtocol.rawValue, "\(r.stride)",
                csvField(r.attention.description), "\(r.windows)", "\(r.tokens)",
                fixed(r.loss, 6), fixed(r.perplexity, 4), r.bitsPerByte.map { fixed($0, 6) } ?? "",
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown table with the standard error of the loss; subsets are footnoted.
    public static func markdown(_ rows: [PerplexityResult]) -> String {
        var lines = [
            "| data | length | protocol | stride | attention | windows | tokens | loss | s.e. | perplexity | bits/byte |",
            "|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in rows {
            let windows = r.isSubset ? "\(r.windows) of \(r.totalWindows)*" : "\(r.windows)"
            lines.append("| " + [
                r.data, "\(r.length)", r.evaluationProtocol.rawValue, "\(r.stride)", r.attention.description,
                windows, "\(r.tokens)", fixed(r.loss, 4), r.standardError.map { fixed($0, 4) } ?? "-",
                fixed(r.perplexity, 3), r.bitsPerByte.map { fixed($0, 4) } ?? "-",
            ].joined(separator: " | ") + " |")
        }
        if let note = subsetNote(rows) { lines.append(""); lines.append("\\* " + note) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One sentence saying that windows were subsampled, or nil if none were.
    public static func subsetNote(_ rows: [PerplexityResult]) -> String? {
        let subsets = rows.filter(\.isSubset)
        guard !subsets.isEmpty else { return nil }
        let parts = subsets.map { "\($0.data) @\($0.length): \($0.windows) of \($0.totalWindows)" }
        return "evenly spaced subset of windows (--max-windows): " + parts.joined(separator: "; ")
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "\(value)"
    }

    /// Quotes a CSV field that holds a comma, quote or newline (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
