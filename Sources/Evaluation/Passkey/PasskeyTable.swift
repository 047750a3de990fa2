import Foundation
import Support

/// Passkey accuracies as `longlora eval --task passkey` prints them.
public enum PasskeyTable {
    public static let csvHeader = ["length", "prompt_tokens", "trials", "correct", "accuracy"]

    public static func render(_ rows: [PasskeyLengthResult], as format: TableFormat) -> String {
        let csv = format == .csv
        return TextTable(
            header: csv ? csvHeader : ["length", "prompt tokens", "trials", "correct", "accuracy"],
            rows: rows.map {
                ["\($0.length)", String(format: "%.1f", $0.meanPromptTokens), "\($0.trials.count)", "\($0.correct)",
                 String(format: csv ? "%.4f" : "%.2f", $0.accuracy)]
            },
            alignments: Array(repeating: .right, count: 5)
        ).render(format)
    }
}
