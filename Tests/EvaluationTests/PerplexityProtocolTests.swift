import Evaluation
import Support
import Testing

/// Window starts and scored counts worked out by hand from each protocol's definition.
@Suite struct PerplexityProtocolTests {
    @Test func longloraDropsTheLastStartOfPythonRange() throws {
        // range(0, 10 - 4, 2) = [0, 2, 4]; pop() -> [0, 2].
        let w = try PerplexityProtocol.longlora.windows(streamLength: 10, length: 4, stride: 2)
        #expect(w.map(\.start) == [0, 2])
        #expect(w.map(\.scoredCount) == [3, 3])
        // range(0, 11 - 4, 3) = [0, 3, 6] -> [0, 3].
        let v = try PerplexityProtocol.longlora.windows(streamLength: 11, length: 4, stride: 3)
        #expect(v.map(\.start) == [0, 3])
        // range(0, 1000 - 256, 256) = [0, 256, 512] -> [0, 256].
        let u = try PerplexityProtocol.longlora.windows(streamLength: 1000, length: 256, stride: 256)
        #expect(u.map(\.start) == [0, 256])
        #expect(u.map(\.scoredCount) == [255, 255])
    }

    @Test func longloraNeedsLengthPlusStridePlusOneTokens() throws {
        // len 7: range(0, 3, 2) = [0, 2] -> [0]; len 6: range(0, 2, 2) = [0] -> [] (an error).
        let w = try PerplexityProtocol.longlora.windows(streamLength: 7, length: 4, stride: 2)
        #expect(w.map(\.start) == [0])
        #expect(throws: UserError.self) {
            try PerplexityProtocol.longlora.windows(streamLength: 6, length: 4, stride: 2)
        }
    }

    @Test func stridedScoresEveryTokenAfterTheFirstOnce() throws {
        let w = try PerplexityProtocol.strided.windows(streamLength: 10, length: 4, stride: 2)
        #expect(w.map(\.start) == [0, 2, 4, 6])
        #expect(w.map(\.firstScored) == [1, 2, 2, 2])
        #expect(w.map(\.scoredCount) == [3, 2, 2, 2])
        #expect(w.map(\.scoredRange) == [1..<4, 4..<6, 6..<8, 8..<10])

        // The tail window ends at the stream's end and scores only the one new token.
        let v = try PerplexityProtocol.strided.windows(streamLength: 11, length: 4, stride: 3)
        #expect(v.map(\.start) == [0, 3, 6, 7])
        #expect(v.map(\.scoredCount) == [3, 3, 3, 1])
        #expect(v.allSatisfy { $0.length == 4 })

        // A stream of exactly one window.
        let one = try PerplexityProtocol.strided.windows(streamLength: 4, length: 4, stride: 2)
        #expect(one == [EvaluationWindow(start: 0, length: 4, firstScored: 1)])
    }

    @Test func stridedScoredRangesTileTheStream() throws {
        for (n, l, s) in [(97, 16, 5), (64, 8, 7), (300, 32, 1), (33, 32, 31)] {
            let w = try PerplexityProtocol.strided.windows(streamLength: n, length: l, stride: s)
            let scored = w.flatMap { Array($0.scoredRange) }
            #expect(scored == Array(1..<n), "n \(n) length \(l) stride \(s)")
            #expect(w.allSatisfy { $0.start >= 0 && $0.start + $0.length <= n && $0.firstScored >= 1 })
        }
    }

    @Test func stridedRejectsAStrideThatLeavesNoContext() {
        #expect(throws: UserError.self) {
            try PerplexityProtocol.strided.windows(streamLength: 100, length: 8, stride: 8)
        }
        #expect(throws: UserError.self) {
            try PerplexityProtocol.strided.windows(streamLength: 7, length: 8, stride: 2)
        }
    }

    @Test func maxWindowsTakesEvenlySpacedMidpoints() {
        #expect(WindowSubset.indices(count: 10, maxWindows: 5) == [1, 3, 5, 7, 9])
        #expect(WindowSubset.indices(count: 10, maxWindows: 3) == [1, 5, 8])
        #expect(WindowSubset.indices(count: 7, maxWindows: 3) == [1, 3, 5])
        #expect(WindowSubset.indices(count: 10, maxWindows: 1) == [5])
        #expect(WindowSubset.indices(count: 4, maxWindows: 4) == [0, 1, 2, 3])
        #expect(WindowSubset.indices(count: 4, maxWindows: 9) == [0, 1, 2, 3])
        #expect(WindowSubset.indices(count: 4, maxWindows: nil) == [0, 1, 2, 3])
        // Deterministic, strictly increasing, gaps differ by at most one.
        for (count, k) in [(1000, 7), (999, 64), (65, 64)] {
            let a = WindowSubset.indices(count: count, maxWindows: k)
            #expect(a == WindowSubset.indices(count: count, maxWindows: k))
            let gaps = zip(a.dropFirst(), a).map { $0 - $1 }
            #expect(a.count == k && gaps.allSatisfy { $0 >= 1 })
            #expect(gaps.max()! - gaps.min()! <= 1)
        }
    }
}
