import Foundation
import Kernels
import Model
import Support

/// One row of `longlora bench`: a training configuration's measured speed.
public struct ThroughputMeasurement: Codable, Hashable, Sendable {
    public var attention: String
    public var length: Int
    public var batchSize: Int
    public var trainable: String
    public var steps: Int
    public var secondsPerStep: Double
    public var tokensPerSecond: Double
    /// Analytic matrix-product FLOPs of one step (`LlamaModel.trainingFlops`).
    public var flopsPerStep: Double
    public var gflops: Double
    /// Of the run's sgemm peak (measured once, before all rows).
    public var fractionOfPeak: Double
    /// sgemm peak re-measured just before this row in the same process, and the fraction
    /// of it: on a shared machine the load drifts during a run, and this ratio compares
    /// the step with sgemm under the same conditions.
    public var localPeakGFLOPs: Double
    public var fractionOfLocalPeak: Double
    /// Peak resident set (getrusage ru_maxrss) of the process that measured this row.
    /// `longlora bench` measures each row in a fresh child process, so this is the row's
    /// own peak (model, optimizer state, activations, plus the runtime's baseline), not
    /// a maximum carried over from earlier rows.
    public var peakRSSBytes: Int
    /// Peak RSS minus the resident set before the model was built (runtime, libraries and
    /// OpenBLAS buffers excluded): what this configuration itself needed.
    public var rssGrowthBytes: Int
    /// The PyTorch peer's fastest step on the same configuration (`bench --compare-torch`).
    public var torchSecondsPerStep: Double?
    /// The peer's step time over ours: above 1, ours is faster.
    public var speedupOverTorch: Double? { torchSecondsPerStep.map { $0 / secondsPerStep } }
}

/// Encoding speed of one tokenizer on the benchmark text.
public struct TokenizerMeasurement: Codable, Hashable, Sendable {
    public var tokenizer: String
    public var megabytesPerSecond: Double
    public var tokensPerByte: Double

    public init(tokenizer: String, megabytesPerSecond: Double, tokensPerByte: Double) {
        self.tokenizer = tokenizer; self.megabytesPerSecond = megabytesPerSecond; self.tokensPerByte = tokensPerByte
    }
}

/// Everything `longlora bench` measured, kept as data for result files.
public struct BenchmarkReport: Codable, Hashable, Sendable {
    public var model: String
    public var threads: Int
    public var blas: String
    public var sgemmPeakGFLOPs: Double
    public var sgemmSize: Int
    public var measurements: [ThroughputMeasurement]
    public var tokenizers: [TokenizerMeasurement]

    public init(model: String, threads: Int, blas: String, sgemmPeakGFLOPs: Double, sgemmSize: Int,
                measurements: [ThroughputMeasurement], tokenizers: [TokenizerMeasurement] = []) {
        self.model = model; self.threads = threads; self.blas = blas
        self.sgemmPeakGFLOPs = sgemmPeakGFLOPs; self.sgemmSize = sgemmSize; self.measurements = measurements
        self.tokenizers = tokenizers
    }

    /// A line of settings, the throughput table and the tokenizer table, in Markdown.
    public func table() -> String {
        let header = "model \(model), threads \(threads), sgemm peak \(String(format: "%.1f", sgemmPeakGFLOPs)) GFLOP/s (\(sgemmSize)^3), \(blas)\n"
        let compared = measurements.contains { $0.torchSecondsPerStep != nil }
        let throughput = TextTable(
            header: ["attention", "n", "B", "trainable", "s/step", "tokens/s", "GFLOP/step", "GFLOP/s", "of peak",
                     "of local peak", "peak RSS MB", "RSS growth MB"] + (compared ? ["PyTorch s/step", "PyTorch / ours"] : []),
            rows: measurements.map { m in
                [m.attention, "\(m.length)", "\(m.batchSize)", m.trainable] + [
                    String(format: "%.3f", m.secondsPerStep), String(format: "%.0f", m.tokensPerSecond),
                    String(format: "%.2f", m.flopsPerStep / 1e9), String(format: "%.1f", m.gflops),
                    String(format: "%.0f%%", 100 * m.fractionOfPeak), String(format: "%.0f%%", 100 * m.fractionOfLocalPeak),
                    String(format: "%.0f", Double(m.peakRSSBytes) / 1e6), String(format: "%.1f", Double(m.rssGrowthBytes) / 1e6),
                ] + (compared ? [m.torchSecondsPerStep.map { String(format: "%.3f", $0) } ?? "-",
                                 m.speedupOverTorch.map { String(format: "%.2fx", $0) } ?? "-"] : [])
            },
            alignments: [.left, .right, .right, .left] + Array(repeating: .right, count: compared ? 10 : 8))
        guard !tokenizers.isEmpty else { return header + throughput.render(.md) }
        let speed = TextTable(
            header: ["tokenizer", "MB/s", "tokens/byte"],
            rows: tokenizers.map { [$0.tokenizer, String(format: "%.1f", $0.megabytesPerSecond), String(format: "%.3f", $0.tokensPerByte)] },
            alignments: [.left, .right, .right])
        return header + throughput.render(.md) + "\n" + speed.render(.md)
    }
}

public enum Benchmark {
    /// Times `steps` training steps (after one untimed warm-up step) of `model` on random tokens
    /// and reports the fastest.
    /// `baselineRSS`: resident set before `model` was built (see `rssGrowthBytes`).
    public static func measure(model: LlamaModel, attention: any AttentionBackend, execution: Execution,
                               batchSize: Int, length: Int, steps: Int, peak: Double, sgemmSize: Int = 1024,
                               baselineRSS: Int = 0) throws -> ThroughputMeasurement {
        // Before the trainer exists, so its buffers do not add to the row's peak RSS.
        // `bench` measures each row in a process of its own, so OpenBLAS's threads may be tried too.
        let localPeak = BLAS.bestSgemmGFLOPs(size: sgemmSize, minimumSeconds: 0.3, alsoOpenBLASThreads: true)
        let config = TrainingConfig(steps: steps + 1, batchSize: batchSize, length: length)
        let data = SyntheticBatches(seed: 1, vocabSize: model.config.vocabSize, batchSize: batchSize, length: length)
        let trainer = try Trainer(model: model, config: config, attention: attention, execution: execution,
                                  batches: data.provider)
        try trainer.trainStep()
        // Fastest timed step: on a shared machine other jobs only ever slow a step down.
        var perStep = Double.infinity
        for _ in 0..<steps {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try trainer.trainStep()
            perStep = min(perStep, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let flops = try model.trainingFlops(batchSize: batchSize, length: length, attention: attention,
                                            recompute: execution.recompute)
        return ThroughputMeasurement(
            attention: attention.name, length: length, batchSize: batchSize,
            trainable: model.trainable.description, steps: steps, secondsPerStep: perStep,
            tokensPerSecond: Double(batchSize * length) / perStep, flopsPerStep: flops,
            gflops: flops / perStep / 1e9, fractionOfPeak: flops / perStep / 1e9 / peak,
            localPeakGFLOPs: localPeak, fractionOfLocalPeak: flops / perStep / 1e9 / localPeak,
            peakRSSBytes: ProcessStats.peakRSSBytes(), rssGrowthBytes: ProcessStats.peakRSSBytes() - baselineRSS)
    }
}

/// Deterministic English-like text for the tokenizer benchmark: words built from a few
/// syllables, drawn with a Zipf-like skew (word i with weight 1/(i+1)), so BPE finds
/// frequent pairs as it would in prose. No corpus download needed.
public enum BenchText {
    public static func generate(bytes: Int, seed: UInt64 = 7) -> [UInt8] {
        let syllables = ["the", "an", "ing", "re", "con", "ed", "al", "ter", "ly", "pro", "mis", "tion",
                         "or", "un", "ber", "lo", "ra", "si", "ment", "ca"]
        var rng = SplitMix64(seed: seed)
        let words: [[UInt8]] = (0..<2000).map { _ in
            let k = 1 + Int(rng.next() % 3)
            return Array((0..<k).map { _ in syllables[Int(rng.next() % UInt64(syllables.count))] }.joined().utf8)
        }
        // Cumulative Zipf weights, searched by bisection.
        var cumulative = [Double](), total = 0.0
        for i in 0..<words.count { total += 1 / Double(i + 1); cumulative.append(total) }
        var text = [UInt8](), sentence = 0
        text.reserveCapacity(bytes + 32)
        while text.count < bytes {
            let u = rng.nextUniform() * total
            var lo = 0, hi = words.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
            text += words[lo]
            sentence += 1
            if sentence % 12 == 0 { text += Array(".\n".utf8) } else { text.append(UInt8(ascii: " ")) }
        }
        return Array(text.prefix(bytes))
    }
}
