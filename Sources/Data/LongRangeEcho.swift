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
    /// Bytes from the passage's start back to the insertion point: uniform in this range.
    public var distance: ClosedRange<Int>
    public var seed: UInt64

    /// The mini-mix-echo setting (adds 8% to the mini-mix text), from 128 to 3072 bytes
    /// back (about 50 to 1100 BPE tokens: four in five echoes have their source outside a
    /// 256-token window, nearly all inside a 1024-token one).
    public static let miniMix = LongRangeEcho(every: 1536, passage: 96...320, distance: 128...3072, seed: 0)

    public init(every: Int, passage: ClosedRange<Int>, distance: ClosedRange<Int>, seed: UInt64) {
        precondition(every >= 2 && passage.lowerBound >= 1 && distance.lowerBound >= 1, "echo sizes must be positive")
        self.every = every
        self.passage = passage
        self.distance = distance
        self.seed = seed
    }

    public func apply(to text: [UInt8], name: String) -> [UInt8] {
        var rng = SplitMix64(seed: seed).fork("echo \(name)")
        func uniform(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(rng.nextUniform() * Double(range.count))
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 4)
        var next = uniform((every / 2)...(every + every / 2))
        var i = 0
        while i < text.count {
            // Copy up to the next echo point, then on to the end of that line.
            var end = min(text.count, i + max(1, next))
            if end < text.count, let nl = text[end...].firstIndex(of: 0x0A) { end = nl + 1 } else { end = text.count }
            out += text[i..<end]
            next -= end - i
            i = end
            guard i < text.count, next <= 0 else { continue }
            next = uniform((every / 2)...(every + every / 2))
            if let quote = passageEnding(at: out, back: uniform(distance)) { out += quote }
        }
        return out
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
