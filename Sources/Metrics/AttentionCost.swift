/// How many query-key pairs the attention of one head scores, per the paper's convention.
///
/// Full attention scores every query against every key (n keys per query). Every other
/// pattern the paper ablates (short, S2 across heads or layers, pattern 1 or 2, dilated,
/// block sparse, stride sparse) is built to cost the same as one group of G keys per query,
/// so its cost is n·G per head: S2 FLOPs are exactly full FLOPs × G/n. The real layouts
/// differ by a few keys at group edges; the paper ignores that and so do we.
public enum AttentionCost: String, CaseIterable, Sendable {
    case full
    case short
    case s2
    case s2Roll = "s2-roll"
    case s2Layers = "s2-layers"
    case pattern1
    case pattern2
    case dilated
    case blockSparse = "block-sparse"
    case strideSparse = "stride-sparse"

    /// Keys per query (whole-matrix counting) for context `n` and group size `g`.
    public func keysPerQuery(context n: Int, group g: Int) -> Double {
        self == .full ? Double(n) : Double(g)
    }

    /// Query-key pairs per head for the whole sequence.
    /// `.wholeMatrix` counts the full n×n (or n×G) blocks as the paper's FLOPs table does;
    /// `.causal` counts only the lower triangle of each block, k(k+1)/2 per block of k keys,
    /// which is what a causal flash kernel actually executes.
    public func scoredPairs(context n: Int, group g: Int, counting: AttentionCounting) -> Double {
        let keys = keysPerQuery(context: n, group: g)
        switch counting {
        case .wholeMatrix: return Double(n) * keys
        case .causal: return Double(n) * (keys + 1) / 2
        }
    }

    public static func parse(_ name: String) throws -> AttentionCost {
        if let found = AttentionCost(rawValue: name) { return found }
        throw MetricsError.unknown("attention pattern", name, allCases.map(\.rawValue))
    }
}

/// Which part of the score matrix the FLOPs count.
public enum AttentionCounting: String, CaseIterable, Sendable {
    /// The whole n×n matrix (the paper's table; the default of `longlora flops`).
    case wholeMatrix = "whole-matrix"
    /// Only the causal lower triangle (what a causal kernel executes; used for GPU hours).
    case causal
}

/// Group size G from a ratio of the context (the paper's default is G = n/4).
/// Rounded to the nearest token and at least 1.
public func groupSize(context n: Int, ratio: Double) -> Int {
    max(1, Int((Double(n) * ratio).rounded()))
}
