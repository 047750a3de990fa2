import Testing
@testable import Training

/// `longlora bench` prints its report through the shared table renderer.
@Suite struct BenchmarkTableTests {
    @Test func settingsLineThenThroughputAndTokenizerTables() {
        let row = ThroughputMeasurement(
            attention: "s2", length: 4096, batchSize: 1, trainable: "lora,embed,norm", steps: 3, secondsPerStep: 0.3034,
            tokensPerSecond: 13_500.4, flopsPerStep: 28.61e9, gflops: 94.5, fractionOfPeak: 0.511, localPeakGFLOPs: 180,
            fractionOfLocalPeak: 0.525, peakRSSBytes: 224_000_000, rssGrowthBytes: 12_340_000)
        let report = BenchmarkReport(model: "mini", threads: 2, blas: "OpenBLAS", sgemmPeakGFLOPs: 185.04, sgemmSize: 1024,
                                     measurements: [row],
                                     tokenizers: [TokenizerMeasurement(tokenizer: "byte", megabytesPerSecond: 31.04, tokensPerByte: 1)])
        #expect(report.table() == """
            model mini, threads 2, sgemm peak 185.0 GFLOP/s (1024^3), OpenBLAS
            | attention | n | B | trainable | s/step | tokens/s | GFLOP/step | GFLOP/s | of peak | of local peak | peak RSS MB | RSS growth MB |
            |---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
            | s2 | 4096 | 1 | lora,embed,norm | 0.303 | 13500 | 28.61 | 94.5 | 51% | 52% | 224 | 12.3 |

            | tokenizer | MB/s | tokens/byte |
            |---|---:|---:|
            | byte | 31.0 | 1.000 |

            """)
    }
}
