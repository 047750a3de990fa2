import Foundation
import Results

/// How figures look: one style per series, never two alike, readable in colour-blind
/// vision and in greyscale print, and axes fitted to the data.
enum FigureStyle {
    /// Okabe & Ito's colour-blind-safe palette (black last, so the first series are coloured).
    /// Yellow (#F0E442) is left out: it vanishes on white.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]
    /// gnuplot point types that differ in shape, not only in fill: + x * □ ■ ○ ● △ ▲ ▽ ▼ ◇ ◆.
    static let points = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    /// The paper's numbers: large open pentagons without a line, a shape no series has.
    static let reference = "pt 14 ps 2"

    /// `set style line` commands for `count` series: series i gets colour i mod 7, point
    /// i mod 13 and, from the eighth series on, a new dash pattern, so the first 91 series
    /// differ in point shape and colour together, and every series differs from its neighbours.
    static func lineStyles(count: Int) -> String {
        (0..<count).map { i in
            let colour = palette[i % palette.count]
            let point = points[i % points.count]
            let dash = 1 + i / palette.count
            return "set style line \(i + 1) lc rgb '\(colour)' lw 2 pt \(point) ps 1.3 dt \(dash)\n"
        }.joined()
    }

    /// The faint version of series i's colour, for raw values drawn behind a smoothed line.
    static func faint(_ i: Int) -> String {
        // gnuplot's #AARRGGBB, where AA = FF is fully transparent: B0 keeps about a third.
        "#B0" + palette[i % palette.count].dropFirst()
    }

    /// The range a value can take, where it is bounded: accuracies (`eval/passkey/accuracy`)
    /// lie in [0, 1]. Nil for unbounded values (perplexity, seconds, bytes).
    static func bounds(of value: String) -> ClosedRange<Double>? {
        value.split(separator: "/").last?.hasSuffix("accuracy") == true ? 0...1 : nil
    }

    /// gnuplot's y range for a bounded value: its bounds, with 5% headroom so that a point
    /// or bar at the top (an accuracy of 1) is not drawn on the frame.
    static func yrange(_ bounds: ClosedRange<Double>) -> String {
        "set yrange [\(Label.number(bounds.lowerBound)):\(Label.number(bounds.upperBound * 1.05))]\n"
    }

    /// Whether values spread over enough orders of magnitude for a log axis to help: a
    /// log axis over 5...13 only squeezes the differences a reader looks for.
    static func spansDecades(_ values: [Double]) -> Bool {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max(), positive.count == values.filter(\.isFinite).count else {
            return false
        }
        return high / low >= 10
    }

    /// Exponential moving average for a loss curve (time constant `span` points), so its
    /// trend reads through the per-step noise; the raw values stay drawn faintly behind it.
    static func smoothed(_ xs: [Double], span: Int) -> [Double] {
        guard let first = xs.first else { return [] }
        let alpha = 2 / (Double(max(span, 1)) + 1)
        var out: [Double] = []
        out.reserveCapacity(xs.count)
        var level = first
        for x in xs {
            level += alpha * (x - level)
            out.append(level)
        }
        return out
    }
}
