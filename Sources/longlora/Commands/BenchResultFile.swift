import Foundation
import Results
import Support
import Training

/// `longlora bench` as a result file (docs/results-schema.md): one run per attention
/// pattern with `eval/throughput` (a row per context length) and a `tokenizer` run with
/// `eval/tokenizer`; the sgemm peak and BLAS build are run attributes. The layout lets
/// `longlora table` print tokens/s and the fraction of peak by pattern and length.
enum BenchResultFile {
    static func make(_ report: BenchmarkReport, started: String, settings: [String: Value]) throws -> ResultFile {
        let provenance = Provenance.current()
        let finished = RunRecord.timestamp()
        let common: [String: Value] = ["blas": .string(report.blas), "sgemm_peak_gflops": .double(report.sgemmPeakGFLOPs),
                                       "sgemm_size": .int(Int64(report.sgemmSize))]
        let compared = report.measurements.contains { $0.torchSecondsPerStep != nil }
        var runs: [RunRecord] = []
        var patterns: [String] = []
        for m in report.measurements where !patterns.contains(m.attention) { patterns.append(m.attention) }
        for pattern in patterns {
            let rows = report.measurements.filter { $0.attention == pattern }
            var config = settings
            config["kind"] = .string("training")
            config["pattern"] = .string(pattern)
            var run = RunRecord(id: "train-\(pattern)", config: try json(config), configHash: "", seed: 1,
                                provenance: provenance, started: started, finished: finished, attributes: common)
            var columns: [(String, Column)] = [
                ("pattern", .string(rows.map(\.attention))),
                ("context", .int(rows.map { Int64($0.length) })),
                ("batch", .int(rows.map { Int64($0.batchSize) })),
                ("seconds_per_step", .double(rows.map(\.secondsPerStep))),
                ("tokens_per_s", .double(rows.map(\.tokensPerSecond))),
                ("flops_per_step", .double(rows.map(\.flopsPerStep))),
                ("gflops", .double(rows.map(\.gflops))),
                ("peak_fraction", .double(rows.map(\.fractionOfPeak))),
                ("local_peak_gflops", .double(rows.map(\.localPeakGFLOPs))),
                ("local_peak_fraction", .double(rows.map(\.fractionOfLocalPeak))),
                ("peak_rss_bytes", .int(rows.map { Int64($0.peakRSSBytes) })),
                ("rss_growth_bytes", .int(rows.map { Int64($0.rssGrowthBytes) })),
            ]
            if compared {
                columns.append(("torch_seconds_per_step", .double(rows.map { $0.torchSecondsPerStep ?? .nan })))
                columns.append(("speedup_over_torch", .double(rows.map { $0.speedupOverTorch ?? .nan })))
            }
            run.eval["throughput"] = Table(columns)
            runs.append(run)
        }
        if !report.tokenizers.isEmpty {
            var run = RunRecord(id: "tokenizer", config: try json(["kind": .string("tokenizer")]), configHash: "",
                                seed: 7, provenance: provenance, started: started, finished: finished,
                                attributes: common)
            run.eval["tokenizer"] = Table([
                ("tokenizer", .string(report.tokenizers.map(\.tokenizer))),
                ("mb_per_s", .double(report.tokenizers.map(\.megabytesPerSecond))),
                ("tokens_per_byte", .double(report.tokenizers.map(\.tokensPerByte))),
            ])
            runs.append(run)
        }
        return ResultFile(header: ResultHeader(experiment: "bench", spec: "", layout: compared ? comparedLayout : layout), runs: runs)
    }

    private static let layout = """
        {"tables": [
          {"name": "peak-fraction", "title": "Training step: fraction of the sgemm peak", "rows": ["pattern"],
           "columns": {"eval": "context"}, "value": "eval/throughput/peak_fraction", "filter": {"kind": "training"}},
          {"name": "tokens-per-s", "title": "Training tokens/s", "rows": ["pattern"],
           "columns": {"eval": "context"}, "value": "eval/throughput/tokens_per_s", "filter": {"kind": "training"}, "digits": 0},
          {"name": "peak-rss", "title": "Peak RSS (bytes) per row", "rows": ["pattern"],
           "columns": {"eval": "context"}, "value": "eval/throughput/peak_rss_bytes", "filter": {"kind": "training"}, "digits": 0},
          {"name": "tokenizer", "title": "Tokenizer MB/s", "columns": {"eval": "tokenizer"},
           "value": "eval/tokenizer/mb_per_s", "filter": {"kind": "tokenizer"}, "digits": 1}
        ]}
        """

    /// With `--compare-torch`: the peer's step time over ours, first.
    private static let comparedLayout = layout.replacingOccurrences(of: "{\"tables\": [", with: """
        {"tables": [
          {"name": "vs-torch", "title": "PyTorch's step time over ours (above 1: ours is faster)", "rows": ["pattern"],
           "columns": {"eval": "context"}, "value": "eval/throughput/speedup_over_torch", "filter": {"kind": "training"}},
        """)

    private static func json(_ values: [String: Value]) throws -> String {
        let object: [String: Any] = values.mapValues { value -> Any in
            switch value {
            case .int(let i): return i
            case .double(let d): return d
            case .string(let s): return s
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
