import Foundation

/// Tokenizer throughput for `longlora bench`: encodes `text` repeatedly for at least
/// `minimumSeconds` (and at least once) and reports decimal megabytes per second.
public enum TokenizerBenchmark {
    public struct Result: Sendable {
        public var megabytesPerSecond: Double
        /// Ids per input byte (compression of the tokenizer on this text).
        public var tokensPerByte: Double
        public var seconds: Double
    }

    public static func measure(_ tokenizer: any Tokenizer, text: [UInt8], minimumSeconds: Double = 0.5) -> Result {
        precondition(!text.isEmpty, "benchmark text must not be empty")
        let start = DispatchTime.now().uptimeNanoseconds
        var rounds = 0
        var tokens = 0
        var elapsed = 0.0
        repeat {
            tokens = tokenizer.encode(text).count
            rounds += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimumSeconds
        return Result(megabytesPerSecond: Double(text.count * rounds) / 1e6 / elapsed,
                      tokensPerByte: Double(tokens) / Double(text.count), seconds: elapsed)
    }
}
