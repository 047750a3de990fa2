import Foundation

/// One row of a perplexity evaluation: a data set at one length under one protocol.
public struct PerplexityResult: Sendable, Equatable {
    public var data: String
    public var length: Int
    public var evaluationProtocol: PerplexityProtocol
    public var stride: Int
    public var attention: AttentionChoice
    /// Windows evaluated, and windows the protocol defines (larger under `--max-windows`).
    public var windows: Int
    public var totalWindows: Int
    /// Next-token predictions scored, summed over the evaluated windows (a token scored
    /// by two overlapping windows counts twice).
    public var tokens: Int
    /// Sum of the scored negative log-likelihoods, in nats.
    public var totalNLL: Double
    /// UTF-8 bytes of the scored targets (nil when the token table is unknown).
    public var bytes: Int?
    /// Each evaluated window's mean loss over its scored predictions, in window order.
    public var windowLosses: [Double]

    public init(data: String, length: Int, evaluationProtocol: PerplexityProtocol, stride: Int,
                attention: AttentionChoice, windows: Int, totalWindows: Int, tokens: Int,
                totalNLL: Double, bytes: Int?, windowLosses: [Double]) {
        self.data = data
        self.length = length
        self.evaluationProtocol = evaluationProtocol
        self.stride = stride
        self.attention = attention
        self.windows = windows
        self.totalWindows = totalWindows
        self.tokens = tokens
        self.totalNLL = totalNLL
        self.bytes = bytes
        self.windowLosses = windowLosses
    }

    public var isSubset: Bool { windows < totalWindows }

    /// The protocol's loss in nats: the mean of the window losses (longlora), or the
    /// total NLL over scored tokens (strided).
    public var loss: Double {
        switch evaluationProtocol {
        case .longlora: return windowLosses.reduce(0, +) / Double(windowLosses.count)
        case .strided: return totalNLL / Double(tokens)
        }
    }

    /// exp(loss): with e itself, not the official code's 2.71828.
    public var perplexity: Double { exp(loss) }

    /// Standard error of the mean window loss: sample standard deviation (n - 1) over
    /// sqrt(n); nil for one window. Overlapping windows are correlated, so this is a
    /// lower bound on the true sampling error.
    public var standardError: Double? {
        let n = windowLosses.count
        guard n >= 2 else { return nil }
        let mean = windowLosses.reduce(0, +) / Double(n)
        let squares = windowLosses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(n - 1)).squareRoot() / Double(n).squareRoot()
    }

    /// Total NLL of the scored targets in bits over their UTF-8 bytes: the same
    /// definition under both protocols, so byte-level and BPE runs compare. (Every
    /// `longlora` window scores N - 1 targets, so there the mean of window losses equals
    /// the total NLL over tokens, and bits per byte = loss / ln 2 * tokens / bytes.)
    public var bitsPerByte: Double? {
        guard let bytes, bytes > 0 else { return nil }
        return totalNLL / M_LN2 / Double(bytes)
    }
}
