import Foundation
import Kernels

/// A synthetic long-range component (docs/miniature.md): earlier lines of a document are
/// quoted again further on, so that some text is predictable only from far back.
///
/// Natural text in the mini corpora has too little reuse beyond a few hundred tokens for a
/// small model to gain from a 4x longer context; an echo is a span the model can copy if
/// and only if its source is inside the attention window. Every `every` bytes (at the next
/// line start), a passage of whole lines is copied from `distance` bytes back in the text
/// written so far and inserted; passages are at least `passage.lowerBound` bytes (ended at
/// the next newline) and at most `passage.upperBound`. Distance and the spacing are drawn
/// per document from a generator seeded by the document's name, so a corpus is the same
/// on every machine and echoes never cross documents (hence never cross splits).
public struct LongRangeEcho: Sendable, Equatable {
    /// Mean bytes of text between two echoes (each gap is uniform in [every/2, 3 every/2]).
    public var every: Int
    /// Bytes per echoed passage.
    public var passage: ClosedRange<Int>
    /// Bytes from the passage's start back to the insertion point, drawn by `law`.
    public var distance: ClosedRange<Int>
    /// How `distance` is drawn: log-uniform spreads echoes evenly over scales, so near
    /// echoes (inside a short window, where a base learns to copy) and far ones (only a
    /// longer window can read) are both common.
    public var law: DistanceLaw
    public var seed: UInt64

    public enum DistanceLaw: String, Sendable, Equatable { case uniform, logUniform = "log-uniform" }

    /// The mini-mix-echo setting (docs/miniature.md): echoes are 27% of the text (14.1 MB
    /// of training text against mini-mix's 10.2 MB), from 16 to 3072 bytes back, spread
    /// evenly over scales (about 6 to 1100 BPE tokens: about seven in ten have their source
    /// inside a 256-token window, where a base can learn to copy, the rest need a longer
    /// window, and nearly all fit in 1024 tokens).
    public static let miniMix = LongRangeEcho(every: 96, passage: 32...160, distance: 16...3072, law: .logUniform, seed: 0)

    public init(every: Int, passage: ClosedRange<Int>, distance: ClosedRange<Int>, law: DistanceLaw = .uniform, seed: UInt64) {
        precondition(every >= 2 && passage.lowerBound >= 1 && distance.lowerBound >= 1, "echo sizes must be positive")
        self.every = every
        self.passage = passage
        self.distance = distance
        self.law = law
        self.seed = seed
    }

    public func apply(to text: [UInt8], name: String) -> [UInt8] {
        var rng = SplitMix64(seed: seed).fork("echo \(name)")
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 4)
        var next = Self.draw((every / 2)...(every + every / 2), &rng)
        var i = 0
        while i < text.count {
            // Copy up to the next echo point, then on to the end of that line.
            var end = min(text.count, i + max(1, next))
            if end < text.count, let nl = text[end...].firstIndex(of: 0x0A) { end = nl + 1 } else { end = text.count }
            out += text[i..<end]
            next -= end - i
            i = end
            guard i < text.count, next <= 0 else { continue }
            next = Self.draw((every / 2)...(every + every / 2), &rng)
            if let quote = passageEnding(at: out, back: drawDistance(&rng)) { out += quote }
        }
        return out
    }

    /// A uniform draw from `range`.
    static func draw(_ range: ClosedRange<Int>, _ rng: inout SplitMix64) -> Int {
        range.lowerBound + Int(rng.nextUniform() * Double(range.count))
    }

    /// One echo's distance back, by `law`.
    func drawDistance(_ rng: inout SplitMix64) -> Int {
        switch law {
        case .uniform:
            return Self.draw(distance, &rng)
        case .logUniform:
            let lo = log(Double(distance.lowerBound)), hi = log(Double(distance.upperBound + 1))
            return min(distance.upperBound, Int(exp(lo + rng.nextUniform() * (hi - lo))))
        }
    }

    /// Whole lines starting at the first line start at or after `back` bytes before the end
    /// of `out`, ending at a newline at least `passage.lowerBound` bytes on (or cut at the
    /// upper bound, then closed with a newline); nil when there is not enough text behind.
    func passageEnding(at out: [UInt8], back: Int) -> [UInt8]? {
        guard back <= out.count else { return nil }
        var start = out.count - back
        if start > 0 && out[start - 1] != 0x0A {
            guard let nl = out[start...].firstIndex(of: 0x0A) else { return nil }
            start = nl + 1
        }
        guard start + passage.lowerBound <= out.count else { return nil }
        let limit = min(out.count, start + passage.upperBound)
        if let nl = out[(start + passage.lowerBound - 1)..<limit].firstIndex(of: 0x0A) {
            return Array(out[start...nl])
        }
        return Array(out[start..<limit]) + [0x0A]
    }
}
