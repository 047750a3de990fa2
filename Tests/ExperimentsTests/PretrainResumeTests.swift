import Foundation
import Testing
@testable import Experiments

/// Pretraining is checkpointed: a second invocation resumes from the step checkpoint the
/// first left behind and ends with the same weights as one uninterrupted pretraining, and
/// the copying probe is measured from step 0 at every checkpoint.
@Suite struct PretrainResumeTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pretrain-\(UUID().uuidString)")

    @Test func aResumedBaseEqualsAnUninterruptedOne() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = try SpecParser.parse(microSpec(corpus: "tiny", steps: "[3]"), file: "micro.yaml")
        let config = try #require(try Sweep.expand(spec).first).config
        #expect(config.base.steps == 8)
        let stage = LlamaPretrainStage(dataDirectory: data)
        let messages = ProgressMessages()
        func pretrain(_ name: String, checkpoints: String) throws -> URL {
            let out = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try stage.pretrain(config, into: out, checkpoints: root.appendingPathComponent(checkpoints), progress: messages.sink)
            return out
        }
        // One uninterrupted base; its checkpoints (every step of 8, only the latest kept) stay.
        let whole = try pretrain("whole", checkpoints: "steps-a")
        let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("steps-a").path).sorted()
        #expect(left == ["copy-probe.json", "step-000007"])
        // Interrupted after step 7: the next invocation trains step 8 only.
        messages.texts = []
        let resumed = try pretrain("resumed", checkpoints: "steps-a")
        #expect(messages.texts == ["resuming pretraining from step-000007"])
        let a = try Data(contentsOf: whole.appendingPathComponent("model.safetensors"))
        let b = try Data(contentsOf: resumed.appendingPathComponent("model.safetensors"))
        #expect(a == b)
        let curves = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: resumed.appendingPathComponent("pretrain_curves.json"))) as? [String: [Double]])
        #expect(curves["probe_step"] == (0...8).map(Double.init))
        #expect(curves["step"]?.count == 8 && curves["copy_gain"]?.count == 9)
        #expect(curves["copy_gain"]?.allSatisfy { $0.isFinite } == true)
    }
}
