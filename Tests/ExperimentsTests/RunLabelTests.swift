import Foundation
import Testing
import Experiments
import Results

/// Settings read as people name them: from the spec's `labels:`, else from the config.
@Suite struct RunLabelTests {
    @Test func derivedFromTheKeysThatTellSettingsApart() throws {
        let runs = try expand("""
            experiment: t
            grid:
              finetune.attention: [full, s2]
              finetune.group: [0.125, 0.25]
            """)
        #expect(runs.map(\.label) == ["full attention", "S2-Attn, G = n/8", "S2-Attn, G = n/4"])
        let variants = try expand("""
            experiment: t
            variants:
              base-pi: {finetune.steps: 0}
              full: {finetune.attention: full, finetune.trainable: [all]}
              s2: {}
              tokens: {finetune.group: 256}
            """)
        #expect(variants.map(\.label) == ["no fine-tuning", "full attention, full fine-tuning", "s2", "G = 256"])
    }

    @Test func theSpecsLabelsWinAndAreRecorded() throws {
        let runs = try expand("""
            experiment: t
            grid: {finetune.attention: [full, s2]}
            labels: {attention=s2: S2-Attn (ours)}
            seeds: [0, 1]
            """)
        #expect(runs.map(\.label) == ["full attention", "full attention", "S2-Attn (ours)", "S2-Attn (ours)"])
        let config = try ConfigJSON(runs[2].recordedConfig, run: runs[2].id)
        #expect(config.label(at: "label") == "S2-Attn (ours)")
        // The default layout's rows are the labels.
        let layout = try ResultHeaderBuilder.layout(try SpecParser.parse("experiment: t\ngrid: {finetune.attention: [full, s2]}\n", file: "t.yaml"), runs: runs)
        #expect(layout.tables.first?.selection.rows == ["label"])
        #expect(layout.figures.allSatisfy { $0.selection.rows == ["label"] })
    }

    /// A variant's label goes to each of its settings (one per context here), so a table
    /// with the contexts as columns shows the variant as one row; a setting's own entry wins.
    @Test func aVariantsLabelGoesToEachOfItsSettings() throws {
        let runs = try expand("""
            experiment: t
            variants:
              ours: {finetune.attention: s2}
              theirs: {finetune.attention: full}
            grid: {finetune.context: [2048, 4096]}
            labels: {ours: LongLoRA, "theirs,context=4096": full at 4096, theirs: full attention}
            """)
        #expect(runs.map(\.setting) == ["ours,context=2048", "ours,context=4096", "theirs,context=2048", "theirs,context=4096"])
        #expect(runs.map(\.label) == ["LongLoRA", "LongLoRA", "full attention", "full at 4096"])
        // Two variants may not share one.
        let error = specError("""
            experiment: t
            variants:
              ours: {finetune.attention: s2}
              theirs: {finetune.attention: full}
            grid: {finetune.context: [2048, 4096]}
            labels: {ours: same, theirs: same}
            """)
        #expect(error == "t.yaml:6: key 'labels': settings 'ours,context=2048' and 'theirs,context=2048' share the label 'same'")
        #expect(specError("experiment: t\nvariants: {ours: {}}\nlabels: {our: x}\n")
                == "t.yaml:3: key 'labels': 'our' matches no setting or variant of the sweep (did you mean 'ours'?)")
    }

    @Test func labelsMustNameSettingsOnce() {
        #expect(specError("experiment: t\ngrid: {finetune.attention: [full, s2]}\nlabels:\n  attention=s3: x\n")
                == "t.yaml:4: key 'labels': 'attention=s3' matches no setting or variant of the sweep (did you mean 'attention=s2'?)")
        #expect(specError("experiment: t\ngrid: {finetune.attention: [full, s2]}\nlabels: {attention=s2: full attention}\n")
                == "t.yaml:3: key 'labels': settings 'attention=full' and 'attention=s2' share the label 'full attention'")
    }
}
