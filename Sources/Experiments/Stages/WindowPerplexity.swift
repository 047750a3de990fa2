import Foundation
import Model
import Support

// Perplexity over windows of a token stream, computed straight on `LlamaModel.tokenLosses`.
// Kept apart from the stages: the Evaluation module implements the same protocols
// (digest section 4) against its own model protocol; this file is what the runner uses
// until it is wired to that API.

/// One window: stream tokens [start, start + length); window positions
/// [firstScored, length) are the scored targets.
public struct PerplexityWindow: Equatable, Sendable {
    public var start: Int
    public var length: Int
    public var firstScored: Int
}

public enum WindowPerplexity {
    /// `longlora`: windows start every `stride` tokens in range(0, count - length) with the
    /// last start dropped; each scores all length - 1 predictions; loss = mean of window means.
    /// `strided`: windows move by `stride` and score only the tokens not scored before
    /// (the first scores length - 1; a last window flush with the stream end covers the
    /// tail); loss = total NLL / scored tokens.
    public static func windows(protocolName: String, count: Int, length: Int, stride: Int) -> [PerplexityWindow] {
        switch protocolName {
        case "longlora":
            var starts = Array(Swift.stride(from: 0, to: count - length, by: stride))
            if !starts.isEmpty { starts.removeLast() }
            return starts.map { PerplexityWindow(start: $0, length: length, firstScored: 1) }
        default:
            guard count >= length else { return [] }
            var out = [PerplexityWindow(start: 0, length: length, firstScored: 1)]
            var scoredEnd = length
            var start = stride
            while start + length <= count {
                out.append(PerplexityWindow(start: start, length: length, firstScored: length - (start + length - scoredEnd)))
                scoredEnd = start + length
                start += stride
            }
            if scoredEnd < count {
                out.append(PerplexityWindow(start: count - length, length: length, firstScored: length - (count - scoredEnd)))
            }
            return out
        }
    }

    /// At most `maxWindows` (0: all) evenly spaced indices: the midpoints of equal strata.
    static func subset(count: Int, maxWindows: Int) -> [Int] {
        guard maxWindows > 0, maxWindows < count else { return Array(0..<count) }
        return (0..<maxWindows).map { (2 * $0 + 1) * count / (2 * maxWindows) }
    }

    struct Measure {
        var loss: Double
        var tokens: Int
        var windows: Int
        /// Scored targets that are single bytes (ids below 256 of a byte tokenizer).
        var byteTargets: Int
    }

    /// Runs the model over the windows, `batch` windows per forward pass. Each window of N
    /// tokens is fed as N inputs (a dummy final target whose loss is dropped), so the
    /// attention pattern sees the length N that its group size was chosen for.
    static func measure(_ model: LlamaModel, stream: [Int32], windows: [PerplexityWindow], protocolName: String,
                        batch: Int = 4, progress: (Int) -> Void = { _ in }) throws -> Measure {
        var windowMeans: [Double] = [], totalNLL = 0.0, tokens = 0, byteTargets = 0
        var index = 0
        while index < windows.count {
            let chunk = Array(windows[index..<min(windows.count, index + batch)])
            let n = chunk[0].length
            var ids: [Int32] = []  // [B, n + 1]
            ids.reserveCapacity(chunk.count * (n + 1))
            for w in chunk { ids += stream[w.start..<(w.start + n)]; ids.append(0) }
            let losses = try model.tokenLosses(batch: ids, batchSize: chunk.count, length: n)  // [B * n]
            for (b, w) in chunk.enumerated() {
                // losses[b * n + t] scores stream[w.start + t + 1]; t = n - 1 is the dummy.
                var nll = 0.0
                for t in (w.firstScored - 1)..<(n - 1) {
                    nll += Double(losses[b * n + t])
                    if stream[w.start + t + 1] < 256 { byteTargets += 1 }
                }
                let scored = n - w.firstScored
                windowMeans.append(nll / Double(scored))
                totalNLL += nll
                tokens += scored
            }
            index += chunk.count
            progress(index)
        }
        let loss = protocolName == "longlora"
            ? windowMeans.reduce(0, +) / Double(max(1, windowMeans.count))
            : totalNLL / Double(max(1, tokens))
        return Measure(loss: loss, tokens: tokens, windows: windowMeans.count, byteTargets: byteTargets)
    }
}
