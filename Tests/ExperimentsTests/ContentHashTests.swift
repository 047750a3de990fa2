import Testing
import Experiments

@Suite struct ContentHashTests {
    let version = CodeVersion(dataManifest: "m", code: "c")

    @Test func sameConfigSameHashWhateverTheKeyOrderOrSpelling() throws {
        let a = try expand("experiment: t\nfinetune: {context: 512, steps: 10}\nbase: {steps: 5}\n")
        let b = try expand("base.steps: 5\nfinetune:\n  steps: 10\n  context: 512\nexperiment: other\n")
        // `auto` and its value, 1 and 1.0 for a real: the same run.
        let c = try expand("experiment: t\nfinetune: {context: 512, steps: 10, position_interpolation: 2, lora: {alpha: 16}}\nbase: {steps: 5}\n")
        #expect(a[0].hash(version) == b[0].hash(version))
        #expect(a[0].hash(version) == c[0].hash(version))
        #expect(a[0].hash(version).count == 64)
    }

    @Test func anyChangeChangesTheHash() throws {
        let base = try expand(minimalSpec)[0]
        let hash = base.hash(version)
        for change in ["finetune.lora.rank=4", "evaluate.lengths=[256]", "seeds=[1]", "model.dim=64",
                       "finetune.optimizer.beta2=0.999", "finetune.group=256", "data.corpus=proof-pile-mini"] {
            let changed = try expand(minimalSpec, set: [change])[0]
            #expect(changed.hash(version) != hash, "\(change) kept the hash")
        }
        #expect(base.hash(CodeVersion(dataManifest: "m2", code: "c")) != hash)
        #expect(base.hash(CodeVersion(dataManifest: "m", code: "c2")) != hash)
    }

    @Test func partialHashesShareWhatTheyShould() throws {
        let runs = try expand("experiment: t\ngrid:\n  finetune.attention: [full, s2]\n  evaluate.stride: [128, 256]\n")
        // One base model for all; one fine-tune per attention, shared across strides.
        #expect(Set(runs.map { $0.baseHash(version) }).count == 1)
        #expect(Set(runs.map { $0.finetuneHash(version) }).count == 2)
        #expect(Set(runs.map { $0.hash(version) }).count == 4)
    }

    @Test func canonicalJSONIsSortedAndTyped() throws {
        let json = try expand(minimalSpec)[0].canonicalJSON
        #expect(json.hasPrefix("{\"analytic\":{\"context\":16384,\"device\":\"a100-80gb\",\"gpus\":8,"))
        #expect(json.contains("},\"base\":{\"batch_tokens\":4096,\"context\":256,"))
        #expect(json.contains("\"group\":0.25"))
        #expect(json.contains("\"position_interpolation\":4.0"))
        #expect(json.hasSuffix(",\"seed\":0}"))
    }
}
