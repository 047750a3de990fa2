import Testing
import Experiments

@Suite struct SpecParserTests {
    @Test func minimalSpecTakesThePaperDefaults() throws {
        let runs = try expand(minimalSpec)
        #expect(runs.count == 1)
        let c = runs[0].config
        #expect(runs[0].id == "seed=0")
        #expect(c.finetune.attention.rawValue == "s2")
        #expect(c.finetune.group == .ratio(0.25))
        #expect(c.finetune.trainable == .longLoRA)
        #expect(c.finetune.lora.rank == 8 && c.finetune.lora.alpha == 16)
        #expect(c.finetune.training.adamW.beta2 == 0.95)
        #expect(c.finetune.training.schedule == .constant(warmup: 20))
        #expect(c.model.dim == 128 && c.model.nLayers == 4 && c.model.vocabSize == 259)
        #expect(c.model.maxContext == 256)
        // auto position interpolation: ceil(1024 / 256) = 4.
        #expect(c.finetune.positionInterpolation == 4)
        #expect(c.evaluate.datasets.map(\.description) == ["pg19-mini:test"])
    }

    @Test func unknownKeySuggestsTheNearestName() {
        let yaml = """
        experiment: t
        finetune:
          context: 1024
          grup: 0.5
        """
        #expect(specError(yaml) == "t.yaml:4: key 'finetune.grup': is unknown (did you mean 'finetune.group'?)")
    }

    @Test func unknownTopLevelKeyAndDottedForm() {
        #expect(specError("experiment: t\nfintune.steps: 3\n")
                == "t.yaml:2: key 'fintune.steps': is unknown (did you mean 'finetune.steps'?)")
        #expect(specError("experiment: t\nzzzz: 1\n")?.hasPrefix("t.yaml:2: key 'zzzz': is unknown; keys allowed at the top: experiment") == true)
    }

    @Test func wrongTypeNamesLineKeyExpectationAndValue() {
        let yaml = """
        experiment: t
        base:
          steps: many
        """
        #expect(specError(yaml) == "t.yaml:3: key 'base.steps': expected an integer in 1...100000000, got 'many'")
        #expect(specError("experiment: t\nfinetune: {recompute: 1}\n")
                == "t.yaml:2: key 'finetune.recompute': expected true or false, got 1 (an integer)")
        #expect(specError("experiment: t\nevaluate:\n  lengths:\n    - 256\n    - \"512\"\n")
                == "t.yaml:5: key 'evaluate.lengths[1]': expected an integer in 2...1048576, got '512' (quoted text)")
        #expect(specError("experiment: t\nfinetune: 3\n")
                == "t.yaml:2: key 'finetune': expected a mapping of keys, got 3 (an integer)")
    }

    @Test func impossibleValuesFailWithTheirLine() {
        #expect(specError("experiment: t\nbase:\n  steps: -5\n")
                == "t.yaml:3: key 'base.steps': expected an integer in 1...100000000, got -5 (an integer)")
        #expect(specError("experiment: t\nfinetune:\n  attention: s3\n")
                == "t.yaml:3: key 'finetune.attention': expected one of full, short, s2, s2-roll, s2-layers, pattern1, pattern2, dilated, block-sparse, stride-sparse, got 's3' (did you mean 's2'?)")
        // G = 0.3 x 1024 is not whole.
        #expect(specError("experiment: t\nfinetune:\n  group: 0.3\n")
                == "t.yaml:3: key 'finetune.group' (run seed=0): group ratio 0.3 times sequence length 1024 = 307.2 is not a whole number of tokens in 2...1024")
        #expect(specError("experiment: t\nfinetune:\n  context: 1000\n  batch_tokens: 2000\n  group: 0.5\n") == nil)
        #expect(specError("experiment: t\nfinetune:\n  context: 1000\n  batch_tokens: 2000\n  group: 0.3\n")
                == "t.yaml:5: key 'finetune.group' (run seed=0): sequence length 1000 is not a multiple of the group size 300 (ratio 0.3)")
        #expect(specError("experiment: t\nfinetune:\n  context: 1000\n  batch_tokens: 2000\n  group: 300\n")
                == "t.yaml:5: key 'finetune.group' (run seed=0): sequence length 1000 is not a multiple of the group size 300 (300 tokens)")
        #expect(specError("experiment: t\nfinetune:\n  attention: s2\n  group: 0.5\n  context: 1026\n  batch_tokens: 2052\n")?
                .contains("attention pattern 's2' needs a group size divisible by 2; got 513") == true)
        #expect(specError("experiment: t\nfinetune:\n  lora: {rank: 200}\n")
                == "t.yaml:3: key 'finetune.lora.rank' (run seed=0): rank 200 exceeds the width 128 of projection 'q'")
        #expect(specError("experiment: t\nfinetune: {batch_tokens: 1000}\n")
                == "t.yaml:2: key 'finetune.batch_tokens' (run seed=0): 1000 tokens per step is not a whole number of 1024-token sequences")
        #expect(specError("experiment: t\nmodel: {heads: 3}\n")
                == "t.yaml:2: key 'model.heads' (run seed=0): width 128 is not a multiple of 3 heads")
        #expect(specError("experiment: t\nfinetune: {trainable: [all, lora]}\n")
                == "t.yaml:2: key 'finetune.trainable' (run seed=0): 'all' (full fine-tuning) already trains every part; list it alone")
        #expect(specError("experiment: t\nevaluate: {attention: [train], lengths: [256, 300]}\n")
                == "t.yaml:2: key 'evaluate.lengths' (run seed=0): evaluation length 300 with attention 's2': attention pattern 's2' needs a group size divisible by 2; got 75 (ratio 0.25) at length 300")
        #expect(specError("experiment: t\nevaluate: {attention: [short], lengths: [258]}\n")
                == "t.yaml:2: key 'evaluate.lengths' (run seed=0): evaluation length 258 with attention 'short': group ratio 0.25 times sequence length 258 = 64.5 is not a whole number of tokens in 2...258")
        #expect(specError("experiment: t\nevaluate: {protocol: strided, stride: 512, lengths: [256, 1024]}\n")
                == "t.yaml:2: key 'evaluate.stride' (run seed=0): stride 512 must be below the length 256 under the strided protocol (each window must keep context for its newest token)")
        #expect(specError("experiment: t\nevaluate: {datasets: [pg19-mini:dev]}\n")?
                .hasPrefix("t.yaml:2: key 'evaluate.datasets' (run seed=0): expected 'split' or 'corpus:split'") == true)
        #expect(specError("experiment: t\ndata: {vocab: 300}\n")
                == "t.yaml:2: key 'data.vocab' (run seed=0): a byte tokenizer has exactly 259 tokens, got 300")
    }

    @Test func requiredDuplicateAndInvalidYAML() {
        #expect(specError("description: x\n")?.hasPrefix("t.yaml: key 'experiment': is required") == true)
        #expect(specError("experiment: t\nfinetune.steps: 3\nfinetune:\n  steps: 4\n")
                == "t.yaml:4: key 'finetune.steps': is set twice (first at line 2)")
        #expect(specError("experiment: t\nexperiment: u\n")?.contains("key 'experiment': is set twice in one mapping") == true)
        #expect(specError("experiment: [t\n")?.hasPrefix("t.yaml:2: not valid YAML") == true)
        #expect(specError("- a\n- b\n") == "t.yaml:1: expected a mapping of keys at the top, got a list")
    }

    @Test func nestedAndDottedKeysAreEquivalent() throws {
        let nested = try expand("experiment: t\nfinetune:\n  lora:\n    rank: 4\n")
        let dotted = try expand("experiment: t\nfinetune.lora.rank: 4\n")
        #expect(nested[0].canonicalJSON == dotted[0].canonicalJSON)
        #expect(nested[0].config.finetune.lora.rank == 4)
    }
}
