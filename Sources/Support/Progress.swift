import Foundation

/// Typed progress events for long work; the command line renders them one way
/// (`ProgressDisplay`): a bar on a terminal, periodic log lines otherwise, nothing with
/// `--quiet`.
///
/// Tasks are named by what runs: `pretrain`, `finetune`, `eval full@2048 pg19-mini:test`,
/// `passkey@1024`, `tokenize train`, `train BPE`. `unit` names what `completed` and `total`
/// count (`steps`, `docs`, `windows`, `trials`, `merges`). A metric is shown as `name value`
/// (`loss 2.310`), or as `value unit` when its name is a unit: one with a `/` or starting
/// with a capital (`4.1 MB`, `31.7 MB/s`, `5.2k tokens/s`).
public enum ProgressEvent: Sendable {
    /// A task starts, with its total units if known. One `begin` and one `end` per task.
    case begin(task: String, total: Int?, unit: String = "")
    /// `completed` units of the task are done; `metrics` are shown beside the count.
    case advance(task: String, completed: Int, total: Int?, metrics: [(String, Double)], unit: String = "")
    case end(task: String, seconds: Double)
    /// Run `index` (0-based) of a sweep of `total` starts; `remainingSeconds` is the sweep's
    /// estimate of the time left (nil before any run has been timed).
    case run(index: Int, total: Int, id: String, remainingSeconds: Double?)
    case message(String)

    /// Whether a metric's name is a unit, shown after its value.
    public static func isUnit(_ name: String) -> Bool {
        name.contains("/") || (name.first?.isUppercase ?? false)
    }
}

/// Receives progress events. Must be cheap: called from hot loops at most a few times a second.
public typealias ProgressSink = @Sendable (ProgressEvent) -> Void

public enum Progress {
    public static let silent: ProgressSink = { _ in }
}
