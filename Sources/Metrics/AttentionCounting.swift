import Model

/// Which part of the score matrix the FLOPs count.
public enum AttentionCounting: String, CaseIterable, Sendable {
    /// The whole n×n matrix (the paper's table; the default of `longlora flops`).
    case wholeMatrix = "whole-matrix"
    /// Only the causal lower triangle (what a causal kernel executes; used for GPU hours).
    case causal
}

extension AttentionKind {
    /// Query-key pairs per head for the whole sequence, from the registry's cost with
    /// G = `groupRatio` × n (the analytic models scale G with the context and do not round).
    /// `.wholeMatrix` counts the full n×n (or n×G) blocks as the paper's FLOPs table does;
    /// `.causal` counts only the lower triangle of each block, k(k+1)/2 per block of k keys,
    /// which is what a causal flash kernel actually executes.
    public func scoredPairs(context n: Int, groupRatio: Double, counting: AttentionCounting) -> Double {
        let keys = cost.keysPerQuery(context: Double(n), group: groupRatio * Double(n))
        switch counting {
        case .wholeMatrix: return Double(n) * keys
        case .causal: return Double(n) * (keys + 1) / 2
        }
    }
}
