import Foundation
import Results
import Support
import Testing
@testable import Experiments

/// A constant-rate base of N steps carries on the finished base of its recipe with fewer
/// steps and ends with the weights of an N-step pretraining from scratch; a cosine base,
/// whose rate depends on its length, and a base of another recipe do not.
@Suite struct BaseContinuationTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("continuation-\(UUID().uuidString)")
    let version = CodeVersion(dataManifests: ["tiny": "m"], code: "c")

    func runner(results: String, messages: ProgressMessages) -> Runner {
        let data = root.appendingPathComponent("data")
        return Runner(data: CorpusDataStage(dataDirectory: data), pretrain: LlamaPretrainStage(dataDirectory: data),
                      finetune: LlamaFinetuneStage(dataDirectory: data), evaluate: PerplexityEvaluateStage(dataDirectory: data),
                      recorder: NoRecorder(), resultsDirectory: root.appendingPathComponent(results),
                      dataDirectory: data, code: "c", provenance: Provenance.current(), progress: messages.sink)
    }

    func run(_ settings: [String]) throws -> PlannedRun {
        let spec = try SpecParser.parse(microSpec(corpus: "tiny", steps: "[3]"), file: "micro.yaml", overrides: settings)
        return try #require(try Sweep.expand(spec).first)
    }

    func weights(_ base: URL) throws -> Data { try Data(contentsOf: base.appendingPathComponent("model.safetensors")) }

    @Test func aLongerConstantRateBaseCarriesOnAShorterOne() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: root.appendingPathComponent("data"))
        let short = try run(["base.schedule=constant", "base.steps=4"])
        let long = try run(["base.schedule=constant", "base.steps=8"])
        #expect(short.baseRecipeHash(version) == long.baseRecipeHash(version) && short.baseHash(version) != long.baseHash(version))

        let messages = ProgressMessages()
        let ladder = runner(results: "ladder", messages: messages)
        let shortBase = try ladder.baseModel(for: short, version: version)
        #expect(!messages.texts.contains { $0.contains("carries on") })
        // Its final checkpoint shares the base's weights file instead of a second copy.
        func inode(_ url: URL) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: url.appendingPathComponent("model.safetensors").path)[.systemFileNumber] as? Int
        }
        #expect(try inode(shortBase) != nil && inode(shortBase) == inode(BaseContinuation.checkpoint(of: shortBase)))
        let carried = try ladder.baseModel(for: long, version: version)
        #expect(messages.texts.contains { $0.contains("carries on") && $0.hasSuffix("from step 4") }, "\(messages.texts)")
        #expect(messages.texts.contains("resuming pretraining from step-000004"))

        let alone = try runner(results: "alone", messages: ProgressMessages()).baseModel(for: long, version: version)
        #expect(try weights(carried) == weights(alone))
        let curves = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: carried.appendingPathComponent("pretrain_curves.json"))) as? [String: [Double]])
        #expect(curves["step"] == (1...8).map(Double.init))

        // A cosine base's rate depends on its length, and another seed is another recipe: both start at step 0.
        messages.texts = []
        _ = try ladder.baseModel(for: try run(["base.schedule=cosine", "base.steps=8"]), version: version)
        _ = try ladder.baseModel(for: try run(["base.schedule=constant", "base.steps=8", "base.seed=1"]), version: version)
        #expect(!messages.texts.contains { $0.contains("carries on") || $0.contains("resuming") }, "\(messages.texts)")
    }
}

/// Records nothing: these tests call the base stage alone.
private final class NoRecorder: RunRecorder {
    func isComplete(hash: String) -> Bool { false }
    func markRunning(_ record: RunRecord) throws {}
    func record(_ record: RunRecord) throws {}
}
