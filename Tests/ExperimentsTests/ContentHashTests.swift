import Testing
import Experiments

@Suite struct ContentHashTests {
    let version = CodeVersion(dataManifests: ["pg19-mini": "m"], code: "c")

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
        #expect(base.hash(CodeVersion(dataManifests: ["pg19-mini": "m2"], code: "c")) != hash)
        #expect(base.hash(CodeVersion(dataManifests: ["pg19-mini": "m"], code: "c2")) != hash)
    }

    /// Every corpus a run reads is in its hash, evaluation corpora included; a base model
    /// and a fine-tune read the training corpus alone, so only its manifest moves them.
    @Test func theHashCoversEveryCorpusTheRunReads() throws {
        let run = try expand(minimalSpec, set: ["evaluate.datasets=[test, proof-pile-mini:test]"])[0]
        #expect(run.corpora == ["pg19-mini", "proof-pile-mini"])
        let data = ["pg19-mini": "m", "proof-pile-mini": "p"]
        let a = CodeVersion(dataManifests: data, code: "c")
        let b = CodeVersion(dataManifests: data.merging(["proof-pile-mini": "p2"]) { _, new in new }, code: "c")
        let c = CodeVersion(dataManifests: data.merging(["pg19-mini": "m2"]) { _, new in new }, code: "c")
        #expect(run.hash(a) != run.hash(b))
        #expect(run.baseHash(a) == run.baseHash(b) && run.finetuneHash(a) == run.finetuneHash(b))
        #expect(run.baseHash(a) != run.baseHash(c) && run.finetuneHash(a) != run.finetuneHash(c))
        #expect(run.baseHash(a) != run.baseHash(CodeVersion(dataManifests: data, code: "c2")))
    }

    /// `--set` overrides of run keys label the runs, so they sit beside the spec's own.
    @Test func overridesLabelTheRuns() throws {
        let plain = try expand("experiment: t\ngrid:\n  finetune.attention: [full, s2]\n")
        #expect(plain.map(\.id) == ["attention=full,seed=0", "attention=s2,seed=0"])
        let set = try expand("experiment: t\ngrid:\n  finetune.attention: [full, s2]\n", set: ["finetune.steps=31"])
        #expect(set.map(\.id) == ["attention=full,steps=31,seed=0", "attention=s2,steps=31,seed=0"])
        #expect(set.map(\.setting) == plain.map(\.setting))
    }

    @Test func partialHashesShareWhatTheyShould() throws {
        let runs = try expand("experiment: t\ngrid:\n  finetune.attention: [full, s2]\n  evaluate.stride: [128, 256]\n")
        // One base model for all; one fine-tune per attention, shared across strides.
        #expect(Set(runs.map { $0.baseHash(version) }).count == 1)
        #expect(Set(runs.map { $0.finetuneHash(version) }).count == 2)
        #expect(Set(runs.map { $0.hash(version) }).count == 4)
    }

    /// The validation curve is stored with the checkpoint and measured with the evaluate
    /// protocol: runs whose curves would differ must not share a fine-tune.
    @Test func aValidationCurveKeepsItsEvaluationInTheFinetune() throws {
        let curved = try expand("experiment: t\nfinetune: {eval_every: 5}\ngrid:\n  evaluate.stride: [128, 256]")
        #expect(Set(curved.map { $0.finetuneHash(version) }).count == 2)
        let plain = try expand("experiment: t\ngrid:\n  evaluate.stride: [128, 256]\n")
        #expect(Set(plain.map { $0.finetuneHash(version) }).count == 1)
    }

    /// `model.tie_embeddings` makes the head the embedding (one V x d tensor fewer) and is
    /// a recipe of its own (another base).
    @Test func tiedEmbeddingsAreAModelOfTheirOwn() throws {
        let runs = try expand("experiment: t\ngrid:\n  model.tie_embeddings: [false, true]\n")
        #expect(runs.map(\.config.model.isTied) == [false, true])
        let (untied, tied) = (runs[0].config.model, runs[1].config.model)
        #expect(untied.parameterCount - tied.parameterCount == untied.vocabSize * untied.dim)
        #expect(runs[0].baseHash(version) != runs[1].baseHash(version))
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
