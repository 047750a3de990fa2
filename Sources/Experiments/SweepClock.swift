import Foundation
import Support

/// A sweep's position and its estimate of the time left: the mean time of the runs that
/// did work so far, times the runs still to go (skipped runs take no time and are not
/// counted). What the `run k/N` line above each run says.
struct SweepClock {
    let total: Int
    private var started: Date?
    private var workedSeconds = 0.0
    private var worked = 0

    init(total: Int) { self.total = total }

    /// Run `index` starts: its progress event.
    mutating func start(_ index: Int, id: String, now: Date = Date()) -> ProgressEvent {
        started = now
        let remaining = worked > 0 ? workedSeconds / Double(worked) * Double(total - index) : nil
        return .run(index: index, total: total, id: id, remainingSeconds: remaining)
    }

    /// The current run was already complete: it says nothing about the time of the others.
    mutating func skipped() { started = nil }

    /// The current run did its work (complete or failed).
    mutating func finished(now: Date = Date()) {
        guard let started else { return }
        workedSeconds += now.timeIntervalSince(started)
        worked += 1
        self.started = nil
    }
}
