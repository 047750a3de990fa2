import Foundation
import Support

/// Perplexity rows as `longlora eval` prints them: CSV with full precision for scripts,
/// Markdown and LaTeX rounded for reading. Both carry the loss's standard error.
public enum PerplexityTable {
    /// The CSV header, fixed: scripts and the result store rely on these names.
    public static let csvHeader = ["data", "length", "protocol", "stride", "attention", "windows", "tokens",
                                   "loss", "loss_se", "perplexity", "bits_per_byte"]

    public static func render(_ rows: [PerplexityResult], as format: TableFormat) -> String {
        (format == .csv ? data(rows) : display(rows)).render(format)
    }

    /// Unknown values (one window's standard error, bits per byte without a token table) are empty.
    static func data(_ rows: [PerplexityResult]) -> TextTable {
        TextTable(header: csvHeader, rows: rows.map { r in
            [r.data, "\(r.length)", r.evaluationProtocol.rawValue, "\(r.stride)", r.attention.description,
             "\(r.windows)", "\(r.tokens)", fixed(r.loss, 6), r.standardError.map { fixed($0, 6) } ?? "",
             fixed(r.perplexity, 4), r.bitsPerByte.map { fixed($0, 6) } ?? ""]
        })
    }

    /// Subsets of windows are starred and footnoted; unknown values are `-`.
    static func display(_ rows: [PerplexityResult]) -> TextTable {
        TextTable(
            header: ["data", "length", "protocol", "stride", "attention", "windows", "tokens", "loss", "s.e.",
                     "perplexity", "bits/byte"],
            rows: rows.map { r in
                [r.data, "\(r.length)", r.evaluationProtocol.rawValue, "\(r.stride)", r.attention.description,
                 r.isSubset ? "\(r.windows) of \(r.totalWindows)*" : "\(r.windows)", "\(r.tokens)",
                 fixed(r.loss, 4), r.standardError.map { fixed($0, 4) } ?? "-", fixed(r.perplexity, 3),
                 r.bitsPerByte.map { fixed($0, 4) } ?? "-"]
            },
            alignments: [.left, .right, .left, .right, .left] + Array(repeating: .right, count: 6),
            notes: subsetNote(rows).map { ["\\* " + $0] } ?? [])
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
}
