import Foundation
import Kernels
import Support

/// The machine's single-precision matrix-product peak, the denominator of
/// "fraction of sgemm peak": a large square `BLAS.sgemm`, best of a few repetitions.
public struct SgemmPeak: Codable, Equatable, Sendable {
    /// CPU model, core count, BLAS build and threads: a new key means measure again.
    public var key: String
    public var gflops: Double
    public var size: Int
    public var threads: Int
    public var measuredAt: String

    /// The cache key of this machine with `threads` threads.
    public static func machineKey(threads: Int) -> String {
        let p = Provenance.current()
        return "\(p.cpuModel) | \(p.cpuCount) cores | \(BLAS.configuration) | \(threads) threads"
    }

    /// Times C = A·B for n×n matrices `repetitions` times and keeps the fastest (2n³ FLOPs),
    /// split over the threads the process has (`Parallel.configure`), as the model's products are.
    public static func measure(size n: Int = 1024, repetitions: Int = 3) -> SgemmPeak {
        let threads = Parallel.threads
        let gflops = BLAS.bestSgemmGFLOPs(size: n, repetitions: max(1, repetitions))
        return SgemmPeak(key: machineKey(threads: threads), gflops: gflops, size: n,
                         threads: threads, measuredAt: ISO8601DateFormatter().string(from: Date()))
    }

    /// The peak cached at `url` (e.g. results/cache/machine.json) if its key matches this
    /// machine; otherwise measures and writes the file atomically.
    public static func cached(at url: URL, size: Int = 1024, repetitions: Int = 3) throws -> SgemmPeak {
        let key = machineKey(threads: Parallel.threads)
        if let data = try? Data(contentsOf: url) {
            guard let stored = try? JSONDecoder().decode(SgemmPeak.self, from: data) else {
                throw UserError("\(url.path): not a machine profile (expected JSON with key, gflops, size, threads, measuredAt)",
                                hint: "rm \(url.path)")
            }
            if stored.key == key { return stored }
        }
        let peak = measure(size: size, repetitions: repetitions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(peak), to: url)
        return peak
    }
}
