import Foundation
import Results

/// Mean and 95% confidence interval of one setting's values over seeds.
public struct Summary: Equatable, Sendable {
    public var values: [Double]
    public var n: Int { values.count }
    public var mean: Double
    /// Sample standard deviation (n - 1 in the denominator); nil for n < 2.
    public var standardDeviation: Double?
    /// Half-width of the two-sided 95% interval, t(0.975, n-1) * s / sqrt(n); nil for n < 2.
    public var ci95: Double?

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "Summary of no values")
        self.values = values
        let n = Double(values.count)
        mean = values.reduce(0, +) / n
        if values.count > 1 {
            let m = mean
            let s = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
            standardDeviation = s
            ci95 = StudentT.quantile(0.975, degreesOfFreedom: n - 1) * s / n.squareRoot()
        }
    }
}

/// Student's t distribution, enough for confidence intervals.
public enum StudentT {
    /// P(T <= t) with `v` degrees of freedom, through the regularized incomplete beta
    /// function: P(|T| > t) = I_{v/(v+t^2)}(v/2, 1/2).
    public static func cdf(_ t: Double, degreesOfFreedom v: Double) -> Double {
        let tail = 0.5 * incompleteBeta(v / (v + t * t), a: v / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The `p` quantile (0 < p < 1), by bisection on the CDF: monotone and robust,
    /// and only a few dozen evaluations per table cell.
    public static func quantile(_ p: Double, degreesOfFreedom v: Double) -> Double {
        precondition(p > 0 && p < 1 && v > 0)
        var lo = -1.0, hi = 1.0
        while cdf(lo, degreesOfFreedom: v) > p { lo *= 2 }
        while cdf(hi, degreesOfFreedom: v) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid, degreesOfFreedom: v) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * max(1, abs(mid)) { break }
        }
        return 0.5 * (lo + hi)
    }

    /// Regularized incomplete beta I_x(a, b) by its continued fraction (modified
    /// Lentz), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where it converges faster.
    static func incompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x > (a + 1) / (a + b + 2) {
            return 1 - incompleteBeta(1 - x, a: b, b: a)
        }
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...500 {
            let m = Double(m)
            // Even step, then odd step of the continued fraction.
            var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; f *= d * c
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logFront) * f / a
    }
}
