import Support

/// How a token stream is cut into evaluation windows and which predictions are scored.
/// The two protocols give different numbers; every result names the one that made it.
public enum PerplexityProtocol: String, CaseIterable, Sendable {
    /// LongLoRA's `eval.py`: windows of N tokens start at `range(0, len - N, S)` with the
    /// last start removed (`all_ix.pop()`), S = 256 by default. Every window scores all
    /// N - 1 of its next-token predictions; perplexity = exp(mean of the window losses).
    case longlora
    /// Press et al. / Hugging Face sliding window: windows of N tokens move by S and score
    /// only the S newest tokens (the first window scores all N - 1 predictions), so every
    /// token of the stream after the first is scored exactly once;
    /// perplexity = exp(total NLL / scored tokens).
    case strided

    public static let defaultStride = 256

    /// Refuses a length and stride this protocol cannot cut any stream with (what a spec's
    /// validation checks before any run; `windows` checks it again).
    public func check(length: Int, stride: Int) throws {
        guard length >= 2 else { throw UserError("evaluation length \(length) must be at least 2 tokens") }
        guard stride >= 1 else { throw UserError("stride \(stride) must be at least 1") }
        if self == .strided, stride >= length {
            throw UserError("stride \(stride) must be below the length \(length) under the strided protocol "
                            + "(each window must keep context for its newest token)")
        }
    }

    /// The evaluation windows of a stream of `streamLength` tokens.
    ///
    /// `strided` differs from the Hugging Face loop only at the tail: there the last
    /// window would be shorter than N; here it is the window of N tokens that ends at
    /// the end of the stream, scoring only the tokens not yet scored. Every window thus
    /// has exactly N tokens of context budget.
    public func windows(streamLength: Int, length: Int, stride: Int) throws -> [EvaluationWindow] {
        try check(length: length, stride: stride)
        switch self {
        case .longlora:
            // Python's range(0, len - N, S): starts 0, S, 2S, ... strictly below len - N.
            var starts = Array(Swift.stride(from: 0, to: streamLength - length, by: stride))
            if !starts.isEmpty { starts.removeLast() }
            guard !starts.isEmpty else {
                throw UserError(
                    "stream of \(streamLength) tokens gives no window of length \(length) under the longlora protocol "
                    + "(stride \(stride)); it needs at least \(length + stride + 1) tokens")
            }
            return starts.map { EvaluationWindow(start: $0, length: length, firstScored: 1) }
        case .strided:
            guard streamLength >= length else {
                throw UserError("stream of \(streamLength) tokens is shorter than the evaluation length \(length)")
            }
            var windows = [EvaluationWindow(start: 0, length: length, firstScored: 1)]
            var scoredEnd = length  // tokens [0, scoredEnd) are scored or are the unscorable first token
            while scoredEnd < streamLength {
                let end = min(scoredEnd + stride, streamLength)
                let start = end - length
                windows.append(EvaluationWindow(start: start, length: length, firstScored: scoredEnd - start))
                scoredEnd = end
            }
            return windows
        }
    }
}

/// One window of the stream: tokens [start, start + length); the targets scored are the
/// window positions [firstScored, length), each predicted from the positions before it.
public struct EvaluationWindow: Hashable, Sendable {
    public var start: Int
    public var length: Int
    /// Window position of the first scored target (>= 1: position 0 has no context).
    public var firstScored: Int

    public init(start: Int, length: Int, firstScored: Int) {
        self.start = start
        self.length = length
        self.firstScored = firstScored
    }

    public var scoredCount: Int { length - firstScored }
    /// Stream positions of the scored targets.
    public var scoredRange: Range<Int> { (start + firstScored)..<(start + length) }
}
