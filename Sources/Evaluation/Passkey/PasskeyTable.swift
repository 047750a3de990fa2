import Foundation

/// Renders passkey accuracies for `longlora eval --task passkey --format csv|md`.
public enum PasskeyTable {
    public static let csvHeader = "length,prompt_tokens,trials,correct,accuracy"

    public static func csv(_ rows: [PasskeyLengthResult]) -> String {
        let lines = rows.map {
            "\($0.length),\(String(format: "%.1f", $0.meanPromptTokens)),\($0.trials.count),\($0.correct),"
                + String(format: "%.4f", $0.accuracy)
        }
        return ([csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    public static func markdown(_ rows: [PasskeyLengthResult]) -> String {
        let lines = rows.map {
            "| \($0.length) | \(String(format: "%.1f", $0.meanPromptTokens)) | \($0.trials.count) | \($0.correct) | "
                + String(format: "%.2f", $0.accuracy) + " |"
        }
        return (["| length | prompt tokens | trials | correct | accuracy |", "|---:|---:|---:|---:|---:|"] + lines)
            .joined(separator: "\n") + "\n"
    }
}
