@testable import Data
import Foundation
import Kernels
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

    @Test func logUniformDistancesSpreadOverScales() {
        // Uniform on 16...4096 puts half the echoes beyond 2056 bytes; log-uniform puts
        // half below the geometric mean 256, and as many in 16..<64 as in 1024..<4096.
        var rng = SplitMix64(seed: 1)
        let log = LongRangeEcho(every: 100, passage: 10...20, distance: 16...4096, law: .logUniform, seed: 0)
        let uniform = LongRangeEcho(every: 100, passage: 10...20, distance: 16...4096, law: .uniform, seed: 0)
        let a = (0..<20000).map { _ in log.drawDistance(&rng) }
        let b = (0..<20000).map { _ in uniform.drawDistance(&rng) }
        #expect(a.allSatisfy { (16...4096).contains($0) } && b.allSatisfy { (16...4096).contains($0) })
        let belowMean = Double(a.filter { $0 < 256 }.count) / 20000
        #expect(abs(belowMean - 0.5) < 0.02)
        let near = a.filter { $0 < 64 }.count, far = a.filter { $0 >= 1024 }.count
        #expect(abs(Double(near) - Double(far)) < 0.1 * Double(near))
        #expect(abs(Double(b.filter { $0 < 2056 }.count) / 20000 - 0.5) < 0.02)
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
