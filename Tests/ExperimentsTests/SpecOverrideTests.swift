import Testing
import Experiments

@Suite struct SpecOverrideTests {
    @Test func setOverridesAnyFieldWithYAMLValues() throws {
        let runs = try expand(minimalSpec, set: ["finetune.attention=full", "seeds=[1, 2]", "finetune.lora={rank: 16}",
                                                 "evaluate.lengths=[256,512]", "base.optimizer.lr=1e-2"])
        // Overrides of run keys label the runs (in key order), so they sit beside the spec's own.
        #expect(runs.map(\.id) == ["lr=0.01,lengths=256+512,attention=full,rank=16,seed=1",
                                   "lr=0.01,lengths=256+512,attention=full,rank=16,seed=2"])
        let c = runs[0].config
        #expect(c.finetune.attention.rawValue == "full")
        #expect(c.finetune.lora.rank == 16)
        #expect(c.evaluate.lengths == [256, 512])
        #expect(c.base.learningRate == 0.01)
    }

    @Test func setWinsOverFileAndPinsASweptKey() throws {
        let yaml = "experiment: t\nfinetune: {steps: 10}\ngrid:\n  finetune.attention: [full, s2, short]\n"
        let runs = try expand(yaml, set: ["finetune.steps=3", "finetune.attention=short"])
        #expect(runs.map(\.id) == ["attention=short,steps=3,seed=0"])
        #expect(runs[0].config.finetune.training.steps == 3)
        #expect(runs[0].config.finetune.attention.rawValue == "short")
    }

    @Test func setCanReplaceAxesAndVariants() throws {
        let runs = try expand(minimalSpec, set: ["grid.finetune.context=[512, 1024]", "variants.plain.finetune.trainable=[lora]"])
        #expect(runs.map(\.id) == ["plain,context=512,seed=0", "plain,context=1024,seed=0"])
        #expect(runs[0].config.finetune.trainable == .lora)
    }

    @Test func setErrorsNameTheArgument() {
        #expect(specError(minimalSpec, set: ["finetune.grop=0.5"])
                == "--set finetune.grop=0.5: key 'finetune.grop': is unknown (did you mean 'finetune.group'?)")
        #expect(specError(minimalSpec, set: ["finetune.steps=-1"])
                == "--set finetune.steps=-1: key 'finetune.steps': expected an integer in 0...100000000, got -1 (an integer)")
        #expect(specError(minimalSpec, set: ["finetune.steps"]) == "--set finetune.steps: expected key.path=value")
        #expect(specError(minimalSpec, set: ["finetune.steps="]) == "--set finetune.steps=: key 'finetune.steps': has no value after '='")
        // A cross-key problem caused by an override points at the override.
        #expect(specError(minimalSpec, set: ["finetune.group=0.3"])
                == "--set finetune.group=0.3: key 'finetune.group' (run group=0.3,seed=0): group ratio 0.3 times sequence length 1024 = 307.2 is not a whole number of tokens in 2...1024")
        #expect(specError(minimalSpec, set: ["grid.paper.source=[a]"])
                == "--set grid.paper.source=[a]: key 'grid.paper.source': cannot be swept: only keys that change a run can (use `seeds:` for seeds)")
    }
}
