import Foundation
import Support

/// Runs a model over the windows of a token stream and accumulates a `PerplexityResult`.
public struct PerplexityEvaluator: Sendable {
    public var evaluationProtocol: PerplexityProtocol
    public var stride: Int
    public var attention: AttentionChoice
    /// Evaluate at most this many windows, evenly spaced (nil: all).
    public var maxWindows: Int?

    public init(protocol evaluationProtocol: PerplexityProtocol = .longlora,
                stride: Int = PerplexityProtocol.defaultStride,
                attention: AttentionChoice = .full, maxWindows: Int? = nil) {
        self.evaluationProtocol = evaluationProtocol
        self.stride = stride
        self.attention = attention
        self.maxWindows = maxWindows
    }

    /// Perplexity of `model` on `stream` at window length `length`.
    /// `tokenBytes` (for bits per byte) must cover every id of the stream.
    public func evaluate(
        _ model: any CausalLanguageModel, stream: [Int32], length: Int, data: String,
        tokenBytes: TokenBytes? = nil, progress: ProgressSink = Progress.silent
    ) throws -> PerplexityResult {
        if let maxWindows, maxWindows < 1 {
            throw UserError("--max-windows \(maxWindows) must be at least 1")
        }
        let all = try evaluationProtocol.windows(streamLength: stream.count, length: length, stride: stride)
        let chosen = WindowSubset.indices(count: all.count, maxWindows: maxWindows).map { all[$0] }
        let task = "eval \(attention.pattern.rawValue)@\(length) \(data)"
        progress(.begin(task: task, total: chosen.count, unit: "windows"))
        let stopwatch = Stopwatch()

        var result = PerplexityResult(
            data: data, length: length, evaluationProtocol: evaluationProtocol, stride: stride,
            attention: attention, windows: chosen.count, totalWindows: all.count,
            tokens: 0, totalNLL: 0, bytes: tokenBytes == nil ? nil : 0, windowLosses: [])
        for (done, window) in chosen.enumerated() {
            let tokens = Array(stream[window.start..<(window.start + window.length)])
            let losses = try model.nextTokenLosses(tokens, attention: attention)  // [length - 1]
            guard losses.count == window.length - 1 else {
                throw UserError("model returned \(losses.count) losses for a window of \(window.length) tokens")
            }
            // losses[j] scores window position j + 1.
            let scored = losses[(window.firstScored - 1)...]
            let nll = scored.reduce(0.0) { $0 + Double($1) }
            result.totalNLL += nll
            result.tokens += scored.count
            result.windowLosses.append(nll / Double(scored.count))
            if let tokenBytes { result.bytes! += tokenBytes.count(stream[window.scoredRange]) }
            progress(.advance(task: task, completed: done + 1, total: chosen.count,
                              metrics: [("loss", result.loss)], unit: "windows"))
        }
        progress(.end(task: task, seconds: stopwatch.seconds))
        // A diverged model's numbers are not a measurement: NaN, or exp(loss) beyond a Double.
        guard result.perplexity.isFinite else {
            throw UserError("\(data) at length \(length) (attention \(attention.pattern.rawValue)): loss \(result.loss) gives perplexity \(result.perplexity): the model diverged")
        }
        return result
    }
}
