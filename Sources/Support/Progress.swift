import Foundation

/// Typed progress events for long work; the command line renders them as a bar on
/// a terminal, as periodic log lines otherwise, or not at all with `--quiet`.
public enum ProgressEvent: Sendable {
    /// A phase starts (`"pretrain base"`, `"tokenize train"`), with its total units if known.
    case begin(task: String, total: Int?)
    /// `completed` units of the current phase are done; `metrics` are shown beside the bar
    /// (e.g. loss, tokens/s).
    case advance(task: String, completed: Int, total: Int?, metrics: [(String, Double)])
    case end(task: String, seconds: Double)
    case message(String)
}

/// Receives progress events. Must be cheap: called from hot loops at most a few times a second.
public typealias ProgressSink = @Sendable (ProgressEvent) -> Void

public enum Progress {
    public static let silent: ProgressSink = { _ in }
}
