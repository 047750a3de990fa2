import Testing
import Foundation

@Suite struct FlopsCommandTests {
    @Test func csvHeaderAndPaperRow() throws {
        let out = try CLI.run(["flops", "--model", "llama2-7b", "--context", "8192,65536", "--attention", "s2",
                               "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "model,context,attention,attn_tflops,proj_tflops,ffn_tflops,other_tflops,total_tflops")
        #expect(lines.dropFirst().first == "llama2-7b,8192,s2,8.8,35.2,70.9,2.2,117.1")
        #expect(lines.last == "llama2-7b,65536,s2,562.9,281.5,567.4,17.3,1429.1")
    }

    @Test func latexIsATabularWithEscapedHeaders() throws {
        let out = try CLI.run(["flops", "--model", "llama2-7b", "--context", "8192", "--attention", "s2", "--format", "latex"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == """
            \\begin{tabular}{lrlrrrrr}
            \\toprule
            model & context & attention & attn\\_tflops & proj\\_tflops & ffn\\_tflops & other\\_tflops & total\\_tflops \\\\
            \\midrule
            llama2-7b & 8192 & s2 & 8.8 & 35.2 & 70.9 & 2.2 & 117.1 \\\\
            \\bottomrule
            \\end{tabular}

            """)
    }

    @Test func markdownSaysHowAttentionIsCounted() throws {
        let out = try CLI.run(["flops", "--model", "llama2-7b", "--context", "16384"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("whole n x n score matrix"))
        #expect(out.stdout.contains("| llama2-7b | 16384 | full | 140.7 | 70.4 | 141.8 | 4.3 | 357.2 |"))
        let causal = try CLI.run(["flops", "--model", "micro", "--context", "64", "--counting", "causal", "--format", "csv"])
        #expect(causal.stdout.contains("micro,64,full-causal,"))
    }

    @Test func badInputIsAUsageError() throws {
        let out = try CLI.run(["flops", "--model", "llama2-7b", "--context", "8192,abc"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("'abc' is not a positive integer"))
        let model = try CLI.run(["flops", "--model", "gpt5", "--context", "8192"])
        #expect(model.status == 2 && model.stderr.contains("unknown model 'gpt5'"))
    }

    @Test func estimateCSVHeader() throws {
        let out = try CLI.run(["estimate", "--model", "llama2-7b", "--method", "longlora", "--context", "8192",
                               "--format", "csv"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("model,method,context,gpus,zero,device,memory_gb,fits,hours,"))
        #expect(out.stdout.contains("\nllama2-7b,longlora,8192,8,2,a100-80gb,25.6,yes,"))
    }

    @Test func paperFigure1Comparison() throws {
        let out = try CLI.run(["estimate", "--paper-figure1", "--format", "csv"])
        #expect(out.status == 0)
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 9)
        #expect(lines.contains { $0.hasPrefix("full,65536,OOM,") && $0.contains(",no,yes") })
        #expect(!out.stdout.contains(",NO"))
    }
}
