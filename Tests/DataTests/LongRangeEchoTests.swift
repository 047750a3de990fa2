import Data
import Foundation
import Testing

@Suite struct LongRangeEchoTests {
    /// 200 numbered lines of 20 bytes: every line is unique, so each echo can be located.
    let text: [UInt8] = Array((0..<200).map { "line \(String(format: "%03d", $0)) of the text\n" }.joined().utf8)

    func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func removingTheEchoesGivesBackTheText() {
        let echo = LongRangeEcho(every: 200, passage: 30...90, distance: 100...600, seed: 0)
        let out = echo.apply(to: text, name: "doc")
        #expect(out.count > text.count, "echoes were inserted")
        // Every output line either continues the original in order or repeats an earlier line.
        var seen: [String: Int] = [:]
        var original: [String] = []
        for (index, line) in lines(out).enumerated() {
            if let first = seen[line] {
                #expect(first < index)
            } else {
                seen[line] = index
                original.append(line)
            }
        }
        #expect(original == lines(text))
    }

    @Test func echoesComeFromTheDistanceRangeAndHaveThePassageLength() {
        // Gaps of 1000 to 3000 bytes keep every source inside original text; 21-byte lines.
        let long: [UInt8] = Array((0..<3000).map { "line \(String(format: "%04d", $0)) of the text\n" }.joined().utf8)
        let echo = LongRangeEcho(every: 2000, passage: 30...90, distance: 100...600, seed: 3)
        let out = lines(echo.apply(to: long, name: "doc"))
        var firstAt: [String: Int] = [:]
        var runs: [(start: Int, count: Int)] = []  // runs of repeated lines
        for (index, line) in out.enumerated() {
            if firstAt[line] == nil { firstAt[line] = index; continue }
            if let last = runs.last, last.start + last.count == index { runs[runs.count - 1].count += 1 } else { runs.append((index, 1)) }
        }
        #expect(runs.count >= 20)
        for run in runs {
            // A passage ends at the first newline at least 30 bytes on: two 21-byte lines.
            #expect(run.count == 2)
            // Its source starts at the first line start at most 100...600 bytes back:
            // floor(distance / 21) = 4...28 lines before the insertion point.
            let back = run.start - firstAt[out[run.start]]!
            #expect((4...28).contains(back))
        }
        let backs = Set(runs.map { $0.start - firstAt[out[$0.start]]! })
        #expect(backs.count >= 10, "distances are spread over the range")
    }

    @Test func seededByDocumentName() {
        let echo = LongRangeEcho.miniMix
        let long = Array(repeating: text, count: 10).flatMap { $0 }
        #expect(echo.apply(to: long, name: "a") == echo.apply(to: long, name: "a"))
        #expect(echo.apply(to: long, name: "a") != echo.apply(to: long, name: "b"))
    }

    @Test func shortOrLinelessTextIsKept() {
        let echo = LongRangeEcho(every: 200, passage: 30...90, distance: 100...600, seed: 0)
        #expect(echo.apply(to: Array("short\n".utf8), name: "x") == Array("short\n".utf8))
        #expect(echo.apply(to: [], name: "x") == [])
        let noNewlines = [UInt8](repeating: 0x61, count: 5000)
        #expect(echo.apply(to: noNewlines, name: "x") == noNewlines, "no line start to quote from")
    }
}
