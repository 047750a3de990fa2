/// `--max-windows K`: an evenly spaced, deterministic subset of the windows, so a long
/// evaluation fits a time budget and reruns pick the same windows.
public enum WindowSubset {
    /// Indices of K of `count` windows: the midpoints of K equal strata,
    /// floor((2i + 1) * count / (2K)) for i in 0..<K. All indices when K >= count.
    public static func indices(count: Int, maxWindows: Int?) -> [Int] {
        guard let k = maxWindows, k < count else { return Array(0..<count) }
        precondition(k >= 1, "maxWindows must be positive")
        return (0..<k).map { (2 * $0 + 1) * count / (2 * k) }
    }
}
