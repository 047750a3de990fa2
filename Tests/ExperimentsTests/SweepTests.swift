import Testing
import Experiments

@Suite struct SweepTests {
    @Test func gridTimesVariantsTimesSeedsInOrder() throws {
        let yaml = """
        experiment: t
        grid:
          finetune.attention: [full, s2]
          finetune.context: [512, 1024]
        variants:
          plus: {finetune.trainable: [lora, embed, norm]}
          plain:
            finetune:
              trainable: [lora]
        seeds: [0, 1]
        """
        let runs = try expand(yaml)
        #expect(runs.count == 2 * 2 * 2 * 2)
        #expect(runs.prefix(5).map(\.id) == [
            "plus,attention=full,context=512,seed=0", "plus,attention=full,context=512,seed=1",
            "plus,attention=full,context=1024,seed=0", "plus,attention=full,context=1024,seed=1",
            "plus,attention=s2,context=512,seed=0",
        ])
        #expect(runs[8].id == "plain,attention=full,context=512,seed=0")
        #expect(runs[8].config.finetune.trainable == .lora)
        #expect(runs[0].setting == "plus,attention=full,context=512")
        #expect(runs[2].config.finetune.positionInterpolation == 4)
        #expect(runs[0].config.finetune.positionInterpolation == 2)
    }

    @Test func zipPairsListsElementwise() throws {
        let yaml = """
        experiment: t
        zip:
          finetune.context: [512, 1024]
          evaluate.lengths: [[256, 512], [256, 512, 1024]]
        """
        let runs = try expand(yaml)
        #expect(runs.map(\.id) == ["context=512,lengths=256+512,seed=0", "context=1024,lengths=256+512+1024,seed=0"])
        #expect(runs[1].config.evaluate.lengths == [256, 512, 1024])
    }

    @Test func zipLengthMismatchIsAnError() {
        let yaml = """
        experiment: t
        zip:
          finetune.context: [512, 1024]
          evaluate.stride: [128, 256, 512]
        """
        #expect(specError(yaml) == "t.yaml:4: key 'zip.evaluate.stride': has 3 values but 'zip.finetune.context' has 2; zipped lists must have equal lengths")
    }

    @Test func sweepMistakesAreCaught() {
        #expect(specError("experiment: t\ngrid:\n  finetune.atention: [full]\n")
                == "t.yaml:3: key 'grid.finetune.atention': is unknown (did you mean 'finetune.attention'?)")
        #expect(specError("experiment: t\ngrid:\n  finetune.attention: [full, s5]\n")?
                .hasPrefix("t.yaml:3: key 'finetune.attention': expected one of full") == true)
        #expect(specError("experiment: t\ngrid:\n  finetune.attention: [full, full]\n")
                == "t.yaml:3: key 'grid.finetune.attention': 'full' appears twice")
        #expect(specError("experiment: t\ngrid:\n  finetune.steps: [1]\nvariants:\n  a: {finetune.steps: 2}\n")
                == "t.yaml:5: key 'variants.a.finetune.steps': is also swept by 'grid'")
        #expect(specError("experiment: t\nvariants:\n  a: {experiment: u}\n")
                == "t.yaml:3: key 'experiment': cannot be set here: only keys that change a run can be swept or set in a variant")
        // Two names for one configuration.
        #expect(specError("experiment: t\nvariants:\n  a: {finetune.steps: 2}\n  b: {finetune.steps: 2}\n")
                == "t.yaml: runs 'a,seed=0' and 'b,seed=0' resolve to the same configuration")
        // An error in one combination names the run.
        #expect(specError("experiment: t\ngrid:\n  finetune.context: [1024, 1000]\n")
                == "t.yaml:3: key 'finetune.context' (run context=1000,seed=0): 8192 tokens per step is not a whole number of 1000-token sequences")
    }

    @Test func paperRowsMustNameSettings() {
        let yaml = """
        experiment: t
        grid: {finetune.attention: [full, s2]}
        paper:
          rows:
            attention=full: {8192: 8.02}
            attention=s3: {8192: 8.04}
        """
        #expect(specError(yaml) == "t.yaml:6: key 'paper.rows': row 'attention=s3' matches no setting of the sweep (did you mean 'attention=s2'?)")
    }

    @Test func sameLastComponentUsesFullPaths() throws {
        let runs = try expand("experiment: t\ngrid:\n  base.steps: [1]\n  finetune.steps: [2]\n")
        #expect(runs.map(\.id) == ["base.steps=1,finetune.steps=2,seed=0"])
    }

    @Test func keysARunDoesNotReadDoNotMultiplyRuns() throws {
        let yaml = """
        experiment: t
        grid:
          finetune.attention: [full, s2]
          finetune.group: [0.125, 0.25]
        """
        let runs = try expand(yaml)
        #expect(runs.map(\.id) == ["attention=full,seed=0", "attention=s2,group=0.125,seed=0", "attention=s2,group=0.25,seed=0"])
        #expect(runs[0].setting == "attention=full")
        #expect(runs[0].merged == ["attention=full,group=0.125,seed=0", "attention=full,group=0.25,seed=0"])
        #expect(!runs[0].canonicalJSON.contains("\"group\""))
        #expect(runs[1].canonicalJSON.contains("\"group\":0.125"))
        #expect(runs[1].merged.isEmpty)
        #expect(Sweep.mergeReport(runs) == ["attention=full,seed=0 stands for attention=full,group=0.125,seed=0, attention=full,group=0.25,seed=0 (not read: finetune.group: no grouped attention in training or evaluation)"])
        // Evaluating the full fine-tune with a grouped pattern reads G again.
        let evaluated = try expand(yaml + "\nevaluate: {attention: [full, s2]}\n")
        #expect(evaluated.count == 4)
    }

    @Test func adapterKeysDoNotApplyToFullFinetuning() throws {
        let yaml = """
        experiment: t
        grid:
          finetune.trainable: [[all], [lora, embed, norm]]
          finetune.lora.rank: [4, 8]
        """
        let runs = try expand(yaml)
        #expect(runs.map(\.id) == ["trainable=all,seed=0", "trainable=lora+embed+norm,rank=4,seed=0", "trainable=lora+embed+norm,rank=8,seed=0"])
        #expect(!runs[0].canonicalJSON.contains("\"lora\""))
        // Two runs of one configuration under different names are still an error.
        #expect(specError("experiment: t\nvariants:\n  a: {finetune.trainable: [all], finetune.lora.rank: 4}\n  b: {finetune.trainable: [all]}\n")
                == "t.yaml: runs 'a,seed=0' and 'b,seed=0' resolve to the same configuration")
    }
}
