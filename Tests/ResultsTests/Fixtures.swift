import Foundation
import Results
import Support

/// Builders for result files used across the tests (test target only).
enum Fixtures {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("results-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let provenance: Provenance = try! JSONDecoder().decode(Provenance.self, from: Data("""
        {"gitCommit": "0123abc", "gitDirty": true, "swiftVersion": "6.3+", "os": "Linux 6.1",
         "cpuModel": "Test CPU @ 2 GHz", "cpuCount": 2, "hostname": "host"}
        """.utf8))

    /// One complete run with every kind of content: curves, an evaluation table with
    /// float, int and (unicode) string columns, metric groups and extra attributes.
    static func run(id: String, attention: String = "s2", context: Int = 1024, seed: Int64 = 0,
                    perplexity: [Double] = [12.5, 11.25, 10.75], status: RunStatus = .complete) -> RunRecord {
        let config = """
            {"finetune": {"attention": "\(attention)", "context": \(context), "seed": \(seed), "lora": true}, "model": "micro"}
            """
        let lengths: [Int64] = [256, 512, 1024]
        return RunRecord(
            id: id, config: config, configHash: "hash-\(attention)-\(context)-\(seed)", seed: seed,
            status: status, error: status == .failed ? "boom: ∑ diverged" : "",
            provenance: provenance, started: "2025-01-01T00:00:00Z", finished: "2025-01-01T00:10:00Z",
            attributes: ["blas": "OpenBLAS 0.3 ∙ pthreads", "threads": 2],
            curves: ["step": [1, 2, 3], "loss": [3.5, 3.25, 3.0], "lr": [1e-4, 2e-4, 2e-4]],
            eval: ["pg19-mini": Table([
                ("length", .int(lengths)),
                ("perplexity", .double(perplexity)),
                ("loss", .double(perplexity.map { Foundation.log($0) })),
                ("tokens", .int([2048, 2048, 2048])),
                ("protocol", .string(["longlora", "longlora", "longlora"])),
                ("attention", .string(["full", "full", "fülł ✓"])),
            ])],
            metrics: ["resources": ["wall_s": 12.5, "peak_rss_bytes": 123_456_789, "tokens_per_s": 1500.0],
                      "analytic": ["total_flops": 4.5e12, "model": "micro"]])
    }

    static func file(_ runs: [RunRecord], layout: String = "{}", paper: String? = nil,
                     tolerances: String? = nil) -> ResultFile {
        ResultFile(header: ResultHeader(experiment: "fixture", spec: "name: fixture\n# ünïcode\n",
                                        created: "2025-01-01T00:00:00Z", layout: layout,
                                        paper: paper, tolerances: tolerances),
                   runs: runs)
    }
}
