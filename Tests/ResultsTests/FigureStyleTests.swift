import Foundation
@testable import Results
import Testing
@testable import Reports

@Suite struct FigureStyleTests {
    /// No two of the first 91 series share colour and point shape, and neighbours differ in both.
    @Test func seriesStylesNeverRepeat() {
        let lines = FigureStyle.lineStyles(count: 91).split(separator: "\n").map { line -> String in
            let words = line.split(separator: " ")
            let colour = words[words.firstIndex(of: "rgb")! + 1]
            let point = words[words.firstIndex(of: "pt")! + 1]
            let dash = words[words.firstIndex(of: "dt")! + 1]
            return "\(colour) \(point) \(dash)"
        }
        #expect(Set(lines).count == 91)
        #expect(!FigureStyle.lineStyles(count: 20).lowercased().contains("f0e442"), "yellow on white")
    }

    @Test func logAxesOnlyWhereTheDataSpansDecades() {
        #expect(!FigureStyle.spansDecades([5.3, 6.9, 12.7]))
        #expect(FigureStyle.spansDecades([117, 251, 573, 1429]))
        #expect(!FigureStyle.spansDecades([0, 5, 500]), "zero cannot go on a log axis")
    }

    @Test func smoothingFollowsTheTrendNotTheNoise() {
        let noisy: [Double] = (0..<400).map { (t: Int) -> Double in
            let trend: Double = 3 - Double(t) / 200
            return trend + (t % 2 == 0 ? 0.3 : -0.3)
        }
        let smooth = FigureStyle.smoothed(noisy, span: 20)
        #expect(smooth.count == noisy.count)
        let wiggle = zip(smooth.dropFirst(), smooth).map { abs($0 - $1) }.dropFirst(50).max()!
        #expect(wiggle < 0.05, "smoothed curve still jumps by \(wiggle)")
        #expect(abs(smooth.last! - 1.0) < 0.2)
    }

    /// A single series needs no key; perplexities of 5 to 13 get a linear axis even when
    /// the layout asked for a log one; a long loss curve is drawn smoothed over faint raw values.
    @Test func scriptsFollowTheStyle() throws {
        let single = FigureLayout(name: "one", kind: .lines, selection: Selection(
            rows: ["finetune.attention"], columns: .eval("length"), value: "eval/pg19-mini/perplexity",
            filter: ["finetune.attention": ScalarLabel("full")]), logy: true)
        let figure = try Figure.make(single, from: Fixtures.file(TableTests.runs()))
        #expect(figure.script.contains("set key off"))
        #expect(!figure.script.contains("set logscale y"))

        var runs = TableTests.runs()
        let loss: [Double] = (0..<120).map { (t: Int) -> Double in
            let trend: Double = 3 - Double(t) / 100
            return trend + (t % 2 == 0 ? 0.2 : 0)
        }
        for k in runs.indices { runs[k].curves["loss"] = loss }
        let curves = try Figure.make(FigureLayout(name: "loss", kind: .curves,
                                                  selection: Selection(rows: ["finetune.attention"], value: "curves/loss")),
                                     from: Fixtures.file(runs))
        #expect(curves.script.contains("using 1:2 with lines lc rgb '#B0"))
        #expect(curves.script.contains("using 1:4 with lines ls 1 title 's2'"))
        // Labels are phrases: the key goes below the plot, not beside it.
        #expect(curves.script.contains("set key below\n"))
    }
}
