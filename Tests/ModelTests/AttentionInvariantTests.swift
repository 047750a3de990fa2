import Foundation
import Kernels
import Model
import Support
import Testing

/// Properties of the patterns that do not need a reference implementation.
@Suite struct AttentionInvariantTests {
    typealias Shape = AttentionReference.Shape

    @Test(arguments: ["short", "s2", "s2-roll", "pattern1", "pattern2", "s2-layers"])
    func oneGroupEqualsFull(name: String) throws {
        for layer in 0..<2 {
            let c = AttentionCase(Shape(n: 40, heads: 4, kvHeads: 4, hd: 6, g: 40, layer: layer), seed: 5)
            let full = try c.forward("full", tiling: .small)
            let grouped = try c.forward(name, tiling: .small)
            #expect(grouped.out == full.out, "\(name) layer \(layer)")
            #expect(grouped.lse == full.lse, "\(name) layer \(layer)")
        }
    }

    /// Changing k, v after position i leaves outputs 0...i bit-identical (masked scores
    /// become exact zeros), for every pattern except s2-roll.
    @Test(arguments: AttentionKind.names.filter { $0 != "s2-roll" })
    func causal(name: String) throws {
        let shape = Shape(n: 32, heads: 4, kvHeads: 2, hd: 4, g: 8, layer: 1)
        let base = AttentionCase(shape, seed: 9)
        let before = try base.forward(name, tiling: .small).out
        for i in [0, 3, 11, 20, 30] {
            var changed = base
            var rng = SplitMix64(seed: UInt64(i))
            let row = shape.kvHeads * shape.hd
            for idx in ((i + 1) * row)..<(shape.n * row) {
                changed.k[idx] = Float(rng.nextGaussian()) * 3
                changed.v[idx] = Float(rng.nextGaussian()) * 3
            }
            let after = try changed.forward(name, tiling: .small).out
            let prefix = (i + 1) * shape.heads * shape.hd
            #expect(Array(after[..<prefix]) == Array(before[..<prefix]), "\(name): output at or before \(i) moved")
            #expect(after != before || i == shape.n - 1, "\(name): perturbation had no effect at all")
        }
    }

    /// The roll variant's wrapped last group lets the first G/2 queries of a shifted head
    /// see the last G/2 tokens; unshifted heads and later queries do not.
    @Test func s2RollLeaksTheFuture() throws {
        let shape = Shape(n: 32, heads: 4, kvHeads: 4, hd: 4, g: 8)
        let base = AttentionCase(shape, seed: 13)
        var changed = base
        let row = shape.kvHeads * shape.hd
        for idx in ((shape.n - shape.g / 2) * row)..<(shape.n * row) { changed.v[idx] += 1 }
        let before = try base.forward("s2-roll", tiling: .small).out, after = try changed.forward("s2-roll", tiling: .small).out
        func moved(token i: Int, head h: Int) -> Bool {
            let o = (i * shape.heads + h) * shape.hd
            return Array(before[o..<(o + shape.hd)]) != Array(after[o..<(o + shape.hd)])
        }
        for i in 0..<(shape.g / 2) {
            #expect(moved(token: i, head: 2) && moved(token: i, head: 3), "shifted heads at token \(i) should leak")
            #expect(!moved(token: i, head: 0) && !moved(token: i, head: 1), "unshifted heads at token \(i) must not")
        }
        for i in (shape.g / 2)..<(shape.n - shape.g / 2) {
            #expect(!moved(token: i, head: 2), "token \(i) is outside the wrapped group")
        }
        // The boundary variant on the same input does not leak.
        let s2Before = try base.forward("s2", tiling: .small).out, s2After = try changed.forward("s2", tiling: .small).out
        let prefix = (shape.n - shape.g / 2) * shape.heads * shape.hd
        #expect(Array(s2Before[..<prefix]) == Array(s2After[..<prefix]))
    }

    /// Exact: short per head = n(G+1)/2 = full * (G+1)/(n+1); a shifted boundary head
    /// scores G^2/4 fewer pairs (its two half groups replace one whole group), so
    /// s2 = H n (G+1)/2 - (H/2) G^2/4, i.e. full * (G+1)/(n+1) minus that correction.
    @Test func s2ScoredPairsClosedForm() throws {
        for (n, g, heads) in [(4096, 1024, 4), (64, 16, 4), (96, 8, 6), (8192, 2048, 32)] {
            let geometry = AttentionGeometry(n: n, nHeads: heads, headDim: 8)
            func pairs(_ name: String) throws -> Int {
                try AttentionKind(name).pattern(groupSize: .tokens(g), length: n).scoredPairs(geometry: geometry)
            }
            let full = try pairs("full"), short = try pairs("short"), s2 = try pairs("s2")
            #expect(full == heads * n * (n + 1) / 2)
            #expect(short * (n + 1) == full * (g + 1))
            #expect(s2 == heads * n * (g + 1) / 2 - (heads / 2) * g * g / 4, "n \(n) G \(g)")
        }
    }

    @Test func threadsDoNotChangeResults() throws {
        let c = AttentionCase(Shape(n: 64, heads: 4, kvHeads: 2, hd: 8, g: 16), seed: 17)
        var rng = SplitMix64(seed: 1)
        let dOut = (0..<c.q.count).map { _ in Float(rng.nextGaussian()) }
        let one = try c.backward("s2", dOut: dOut, threads: 1, tiling: .small)
        let two = try c.backward("s2", dOut: dOut, threads: 2, tiling: .small)
        #expect(try c.forward("s2", threads: 1, tiling: .small).out == c.forward("s2", threads: 2, tiling: .small).out)
        #expect(one.dk == two.dk && one.dv == two.dv)
        // dq sums per-worker partials in a different order: equal to rounding.
        let dqDiff = zip(one.dq, two.dq).map { abs($0 - $1) }.max() ?? 0
        #expect(dqDiff < 1e-5)
    }

    @Test func badGroupSizesAreUserErrors() throws {
        #expect(throws: UserError.self) { try AttentionKind.s2.pattern(groupSize: .tokens(24), length: 100) }
        do {
            _ = try AttentionKind.s2.pattern(groupSize: .tokens(24), length: 100)
        } catch let error as UserError {
            #expect(error.message.contains("100") && error.message.contains("24"))
        }
        #expect(throws: UserError.self) { try GroupSize.ratio(0.3).resolve(sequenceLength: 100) }  // 30 does not divide 100
        #expect(throws: UserError.self) { try GroupSize.ratio(0.333).resolve(sequenceLength: 99) }  // not whole
        #expect(throws: UserError.self) { try GroupSize.tokens(1).resolve(sequenceLength: 100) }
        #expect(throws: UserError.self) { try GroupSize.tokens(200).resolve(sequenceLength: 100) }
        #expect(try GroupSize.ratio(0.25).resolve(sequenceLength: 4096) == 1024)
        // G = 25 divides 100 but is odd: fine for short, not for a G/2 shift.
        #expect(try AttentionKind("short").group(.tokens(25), length: 100) == 25)
        #expect(throws: UserError.self) { try AttentionKind.s2.pattern(groupSize: .tokens(25), length: 100) }
        #expect(throws: UserError.self) { try AttentionKind("block-sparse").pattern(groupSize: .tokens(50), length: 100) }
        // `full` has no groups: any G, any length.
        #expect(try AttentionKind.full.group(.tokens(24), length: 100) == nil)
        // A pattern resolved for one length refuses at once to be built for a length G does not divide.
        #expect(throws: UserError.self) { try PatternAttention(.s2, groupSize: .ratio(0.25), length: 90) }
    }

    @Test func unknownPatternNameListsTheValidOnes() throws {
        do {
            _ = try AttentionKind("s3")
            Issue.record("expected an error")
        } catch let error as UserError {
            #expect(error.message.contains("'s3'"))
            for name in AttentionKind.names { #expect(error.message.contains(name)) }
        } catch {
            Issue.record("expected a UserError, got \(error)")
        }
        #expect(AttentionKind.names.count == 10)
        for kind in AttentionKind.allCases {
            #expect(try kind.pattern(groupSize: .ratio(0.25), length: 64).name == kind.rawValue)
            #expect(AttentionKind(rawValue: kind.rawValue) == kind)
        }
        #expect(AttentionKind(rawValue: "s3") == nil)
    }

    @Test func groupSizeCodableRoundTrip() throws {
        for size in [GroupSize.ratio(0.25), .tokens(512)] {
            let data = try JSONEncoder().encode(size)
            #expect(try JSONDecoder().decode(GroupSize.self, from: data) == size)
        }
        let text = String(decoding: try JSONEncoder().encode(GroupSize.ratio(0.25)), as: UTF8.self)
        #expect(text == #"{"ratio":0.25}"#)
    }
}


