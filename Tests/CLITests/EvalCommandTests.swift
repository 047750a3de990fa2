import Foundation
import Kernels
import Model
import Testing

/// `longlora eval` end to end on a random micro checkpoint and a LongLoRA-style .bin file,
/// whose window counts are worked out by hand.
@Suite struct EvalCommandTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-cli-\(UUID().uuidString)")
    var checkpoint: String { dir.appendingPathComponent("ckpt").path }
    var bin: String { dir.appendingPathComponent("test.bin").path }

    init() throws {
        let model = try LlamaModel(config: .micro, trainable: [])
        model.initialize(rng: SplitMix64(seed: 1))
        try model.writeHF(into: dir.appendingPathComponent("ckpt"))
        var rng = SplitMix64(seed: 2)
        let ids = (0..<400).map { _ in UInt16(rng.next() % 256) }  // flat uint16, as LongLoRA's .bin
        try ids.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: bin))
    }

    @Test func perplexityRowsCountWindowsAndTokensExactly() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = dir.appendingPathComponent("ppl.csv")
        let out = try CLI.run(["eval", checkpoint, "--data", bin, "--length", "32,64", "--stride", "16",
                               "--threads", "1", "--quiet", "--out", table.path])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "data,length,protocol,stride,attention,windows,tokens,loss,loss_se,perplexity,bits_per_byte")
        // longlora, 400 ids: range(0, 368, 16) has 23 starts, minus the last: 22 windows of 31
        // predictions; range(0, 336, 16) has 21: 20 windows of 63. A .bin has no tokenizer: no bits per byte.
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("test.bin,32,longlora,16,full,22,682,"))
        #expect(lines[2].hasPrefix("test.bin,64,longlora,16,full,20,1260,"))
        #expect(lines[1].hasSuffix(","))
        // A random micro model is close to uniform over its 259 ids; its 22 window losses differ
        // a little, so their standard error is small but not zero.
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        let ppl = Double(fields[9])!
        #expect(ppl > 150 && ppl < 450)
        let se = Double(fields[8])!
        #expect(se > 0 && se < 0.5)
        #expect(try String(contentsOf: table, encoding: .utf8) == out.stdout)
    }

    @Test func stridedSubsetIsAnnounced() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        // strided, 400 ids, length 64, stride 16: 1 + ceil(336 / 16) = 22 windows; 6 evenly spaced.
        let out = try CLI.run(["eval", checkpoint, "--data", bin, "--length", "64", "--protocol", "strided",
                               "--stride", "16", "--max-windows", "6", "--threads", "1", "--format", "md"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("| 6 of 22* |"))
        #expect(out.stderr.contains("6 of 22"))
    }

    @Test func inductionProbeNeedsNoDataAndRefusesAnOddLength() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLI.run(["eval", checkpoint, "--task", "induction", "--length", "64", "--trials", "2",
                               "--threads", "1", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "tokens,trials,first_copy_loss,second_copy_loss,copy_gain")
        let cells = lines.count == 2 ? lines[1].split(separator: ",").compactMap { Double($0) } : []
        #expect(cells.count == 5 && cells[0] == 64 && cells[1] == 2 && abs(cells[4] - (cells[2] - cells[3])) < 2e-4)
        let odd = try CLI.run(["eval", checkpoint, "--task", "induction", "--length", "63", "--quiet"])
        #expect(odd.status != 0 && odd.stderr.contains("one even --length"), "\(odd.stderr)")
    }

    @Test func passkeyReportsAccuracyPerLength() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLI.run(["eval", checkpoint, "--task", "passkey", "--length-step", "300", "--max-length", "600",
                               "--trials", "2", "--threads", "1", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "length,prompt_tokens,trials,correct,accuracy")
        #expect(lines.count == 3 && lines[1].hasPrefix("300,300.0,2,") && lines[2].hasPrefix("600,600.0,2,"))
    }

    @Test func badInputIsAUsageError() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let stride = try CLI.run(["eval", checkpoint, "--data", bin, "--length", "64", "--protocol", "strided", "--stride", "64"])
        #expect(stride.status == 2 && stride.stderr.contains("stride 64 must be below the length 64"))
        let rope = try CLI.run(["eval", checkpoint, "--data", bin, "--length", "64", "--rope-scaling", "yarn:2"])
        #expect(rope.status == 2 && rope.stderr.contains("--rope-scaling 'yarn:2'"))
        let group = try CLI.run(["eval", checkpoint, "--data", bin, "--length", "66", "--attention", "s2"])
        #expect(group.status == 2 && group.stderr.contains("66"))
        let noData = try CLI.run(["eval", checkpoint, "--length", "64"])
        #expect(noData.status == 2 && noData.stderr.contains("--data"))
        let length = try CLI.run(["eval", checkpoint, "--data", bin, "--length", "64,x"])
        #expect(length.status == 2 && length.stderr.contains("'x'"))
    }
}
