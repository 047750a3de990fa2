import Foundation
import Support

/// Renders `ProgressEvent`s for a person, the same for every command: a redrawn bar with
/// the count and its unit, the metrics and an ETA on a terminal; a plain log line at most
/// every `logInterval` seconds otherwise (CI logs, files); `<task>: done in 0:05` once per
/// task; a sweep's `run 2/6 <id> (sweep ETA 3:20)` above its runs' lines; nothing when quiet.
public final class ProgressDisplay: @unchecked Sendable {
    public enum Mode: Sendable { case bar, log, quiet }

    public let mode: Mode
    private let write: @Sendable (String) -> Void
    private let logInterval: Double
    private let lock = NSLock()
    private var started: [String: Date] = [:]
    private var lastLine = Date.distantPast
    private var barShown = false

    /// `bar` when standard error is a terminal, `log` otherwise, `quiet` if asked.
    public static func automatic(quiet: Bool) -> ProgressDisplay {
        ProgressDisplay(mode: quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .bar : .log)) {
            FileHandle.standardError.write(Data($0.utf8))
        }
    }

    public init(mode: Mode, logInterval: Double = 10, write: @escaping @Sendable (String) -> Void) {
        self.mode = mode
        self.logInterval = logInterval
        self.write = write
    }

    public var sink: ProgressSink { { [self] event in self.handle(event) } }

    public func handle(_ event: ProgressEvent, now: Date = Date()) {
        guard mode != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case let .begin(task, _, _):
            started[task] = now
        case let .advance(task, completed, total, metrics, unit):
            let start = started[task] ?? now
            if started[task] == nil { started[task] = now }
            let line = Self.describe(task: task, completed: completed, total: total, unit: unit, metrics: metrics,
                                     elapsed: now.timeIntervalSince(start), bar: mode == .bar)
            if mode == .bar {
                write("\r\u{1B}[2K" + line)
                barShown = true
            } else if now.timeIntervalSince(lastLine) >= logInterval || completed == total {
                write(line + "\n")
                lastLine = now
            }
        case let .end(task, seconds):
            started[task] = nil
            finishBar()
            write("\(task): done in \(Self.duration(seconds))\n")
        case let .run(index, total, id, remaining):
            finishBar()
            write("run \(index + 1)/\(total) \(id)" + (remaining.map { " (sweep ETA \(Self.duration($0)))" } ?? "") + "\n")
        case let .message(text):
            finishBar()
            write(text + "\n")
        }
    }

    private func finishBar() {
        if barShown { write("\n") }
        barShown = false
    }

    /// `finetune [#####.....] 40/100 steps loss 2.310 5.2k tokens/s ETA 0:32`.
    public static func describe(task: String, completed: Int, total: Int?, unit: String = "", metrics: [(String, Double)],
                         elapsed: Double, bar: Bool) -> String {
        var parts = [task]
        if let total, total > 0 {
            if bar {
                let width = 20, filled = min(width, completed * width / total)
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]")
            }
            parts.append("\(completed)/\(total)")
        } else {
            parts.append("\(completed)")
        }
        if !unit.isEmpty { parts.append(unit) }
        for (name, value) in metrics {
            parts.append(ProgressEvent.isUnit(name) ? "\(number(value)) \(name)" : "\(name) \(number(value))")
        }
        if let total, completed > 0, completed < total, elapsed > 0 {
            parts.append("ETA " + duration(elapsed / Double(completed) * Double(total - completed)))
        }
        return parts.joined(separator: " ")
    }

    static func number(_ v: Double) -> String {
        if abs(v) >= 10_000 { return String(format: "%.1fk", v / 1000) }
        if abs(v) >= 100 { return String(format: "%.0f", v) }
        // Learning rates and the like: 2.00e-05, not 0.000.
        if v != 0, abs(v) < 0.01 { return String(format: "%.2e", v) }
        return String(format: "%.3f", v)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
