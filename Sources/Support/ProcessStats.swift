import Foundation

/// This process's clocks and memory, for the runner's resources and the benchmark.
public enum ProcessStats {
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// User + system CPU time of the process so far.
    public static func cpuSeconds() -> Double {
        let u = usage()
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }

    /// Peak resident set size since the process started or since the last `resetPeakRSS()`,
    /// bytes. On Linux the high-water mark of this program's own memory (VmHWM in
    /// /proc/self/status): ru_maxrss is carried across fork and exec, so a child of a large
    /// process (a test runner) would report its parent's peak. Elsewhere getrusage's ru_maxrss.
    public static func peakRSSBytes() -> Int {
        #if os(Linux)
        if let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            return kib * 1024
        }
        return Int(usage().ru_maxrss) * 1024  // Linux reports ru_maxrss in KiB
        #else
        return Int(usage().ru_maxrss)
        #endif
    }

    /// Restarts the peak at the current resident set (Linux: "5" to /proc/self/clear_refs),
    /// so that one run of a sweep is not charged with an earlier run's peak. Process-wide.
    /// Returns false where unsupported (the peak then stays the process's lifetime peak).
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        #if os(Linux)
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
        #else
        return false
        #endif
    }

    /// Resident set now (/proc/self/statm), 0 where unavailable.
    public static func currentRSSBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func usage() -> rusage {
        var u = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &u)
        #else
        getrusage(RUSAGE_SELF, &u)
        #endif
        return u
    }
}
