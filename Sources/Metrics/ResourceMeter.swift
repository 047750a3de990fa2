import Foundation
import Support

/// What one of our own runs consumed, measured on this machine.
public struct MeasuredResources: Codable, Equatable, Sendable {
    public var wallSeconds: Double
    /// User + system CPU time of the process over the measured span (all threads).
    public var cpuSeconds: Double
    /// Peak resident set size of the process over the measured span, bytes (the peak is
    /// restarted when the meter starts; see `ProcessStats.resetPeakRSS`).
    public var peakRSSBytes: Int
    public var tokensPerSecond: Double
    /// Analytic training FLOPs (the model's count, not the instructions run) per second.
    public var achievedGFLOPs: Double
    /// achievedGFLOPs over the sgemm peak measured on the same machine; nil without a peak.
    public var fractionOfSgemmPeak: Double?
}

/// Measures a span of work: start it, do the work, then `finish` with what was done.
///
/// ```
/// let meter = ResourceMeter()
/// ... train ...
/// let used = meter.finish(tokens: n, flops: FLOPs.training(...).total * sequences, sgemmPeakGFLOPs: peak)
/// ```
public struct ResourceMeter: Sendable {
    public let startWall: Double
    public let startCPU: Double

    /// Starts measuring; restarts the process's RSS peak unless `resetPeak` is false.
    public init(resetPeak: Bool = true) {
        if resetPeak { ProcessStats.resetPeakRSS() }
        startWall = ProcessStats.monotonicSeconds()
        startCPU = ProcessStats.cpuSeconds()
    }

    /// `excludingSeconds`: wall time inside the span spent on other work (e.g. evaluation
    /// during training), taken out of the wall time and the rates (not out of CPU time).
    public func finish(tokens: Int, flops: Double, sgemmPeakGFLOPs: Double?, excludingSeconds: Double = 0) -> MeasuredResources {
        let wall = max(ProcessStats.monotonicSeconds() - startWall - excludingSeconds, 1e-9)
        let gflops = flops / wall / 1e9
        return MeasuredResources(
            wallSeconds: wall,
            cpuSeconds: ProcessStats.cpuSeconds() - startCPU,
            peakRSSBytes: ProcessStats.peakRSSBytes(),
            tokensPerSecond: Double(tokens) / wall,
            achievedGFLOPs: gflops,
            fractionOfSgemmPeak: sgemmPeakGFLOPs.flatMap { $0 > 0 ? gflops / $0 : nil })
    }
}
