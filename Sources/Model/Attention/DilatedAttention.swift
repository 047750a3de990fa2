/// `dilated`: dilated attention across heads, dilation rate varied from 1 to 2.
///
/// The paper gives only "dilation rate from 1 to 2 across heads"; our definition:
/// - heads [0, H/2), rate 1: causal inside groups of G (as `short`);
/// - heads [H/2, H), rate 2: causal inside segments of 2G tokens (the last one shorter
///   when 2G does not divide n), scoring only keys at an even distance i - j, i.e.
///   every second token. The diagonal (i - j = 0) stays visible.
/// Doubling the segment for the rate-2 heads keeps their cost at about n*G/2 pairs, the
/// same as a rate-1 head, so the pattern costs what S2 costs (the paper's premise for
/// comparing patterns); it also lets the dilated heads reach twice as far back.
public struct DilatedAttention: AttentionPattern {
    public let name = "dilated"
    /// G in tokens.
    public let group: Int

    public init(group: Int) { self.group = group }

    public func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask {
        let g = group
        if geometry.isUpperHalf(head: head) {
            return DilatedMask(segment: 2 * g, rate: 2)
        }
        return SegmentedCausalMask(size: g)
    }
}

/// Causal inside segments [s*L, (s+1)*L), scoring keys at distances that are multiples of `rate`.
public struct DilatedMask: AttentionMask {
    public var segment: Int
    public var rate: Int

    private var segments: SegmentedCausalMask { SegmentedCausalMask(size: segment) }

    public func isVisible(query i: Int, key j: Int) -> Bool {
        j <= i && i / segment == j / segment && (i - j) % rate == 0
    }

    public func tile(queries: Range<Int>, keys: Range<Int>) -> TileVisibility {
        let t = segments.tile(queries: queries, keys: keys)
        if t == .none { return .none }
        return rate == 1 ? t : .partial
    }

    public func visibleKeyCount(query i: Int) -> Int { (i % segment) / rate + 1 }

    /// Every tile of a rate > 1 mask is partial: walk the visible keys of each row
    /// (start, start + rate, ...) instead of a division per entry.
    public func maskScores(_ scores: UnsafeMutablePointer<Float>, ld: Int, queries: Range<Int>, keys: Range<Int>) {
        for (r, i) in queries.enumerated() {
            let row = scores + r * ld
            let first = max(keys.lowerBound, (i / segment) * segment), last = min(keys.upperBound - 1, i)
            var next = first < keys.upperBound ? first + (i - first) % rate : Int.max  // first visible key
            for (c, j) in keys.enumerated() {
                if j == next && j <= last { next += rate } else { row[c] = -.infinity }
            }
        }
    }
}
