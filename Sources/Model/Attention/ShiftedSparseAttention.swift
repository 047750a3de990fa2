/// S2-Attn, boundary variant (the official flash-attention code), and the paper's
/// ablations that differ only in which heads are shifted.
///
/// Unshifted heads attend causally inside groups [0,G), [G,2G), ...; shifted heads inside
/// groups whose boundaries are G/2, G/2+G, ..., so their groups have sizes G/2, G, ..., G, G/2.
/// Nothing wraps around, so causality holds exactly.
///
/// With a single group (G = n) no head is shifted: the shift exists to pass information
/// between neighbouring groups and one group has no neighbour. This choice (the paper
/// never runs G = n) makes G = n reproduce `full` exactly, as the harness's invariants
/// require; splitting one group at n/2 would instead be a different, sparser pattern.
/// Registry names:
/// - `short`, `pattern1`: no head shifted (short attention without shift; "only pattern 1");
/// - `s2`: heads [H/2, H) shifted (S2 across heads, the paper's default);
/// - `pattern2`: every head shifted ("only pattern 2");
/// - `s2-layers`: even layers unshifted, odd layers shifted (S2 across layers).
public struct ShiftedSparseAttention: AttentionPattern {
    public enum Shifted: Sendable, Hashable {
        case none, upperHalfOfHeads, allHeads, oddLayers
    }

    public let name: String
    /// G in tokens (a multiple of 2 when heads are shifted by G/2: the registry checks it).
    public let group: Int
    public let shifted: Shifted

    public init(name: String, group: Int, shifted: Shifted) {
        self.name = name
        self.group = group
        self.shifted = shifted
    }

    public func isShifted(head: Int, geometry: AttentionGeometry, groupSize g: Int) -> Bool {
        if g >= geometry.n { return false }
        switch shifted {
        case .none: return false
        case .upperHalfOfHeads: return geometry.isUpperHalf(head: head)
        case .allHeads: return true
        case .oddLayers: return geometry.layer % 2 == 1
        }
    }

    public func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask {
        let g = group
        return SegmentedCausalMask(size: g, offset: isShifted(head: head, geometry: geometry, groupSize: g) ? Self.shift(g) : 0)
    }

    /// The shift of the shifted heads' group boundaries: G/2.
    static func shift(_ g: Int) -> Int {
        #if LONGLORA_INJECT_S2_QUARTER_SHIFT
        // A deliberate bug (G/4), compiled only into the regression test's separate build,
        // so that the test can show `longlora check` catching a real S2 regression.
        return g / 4
        #else
        return g / 2
        #endif
    }
}
