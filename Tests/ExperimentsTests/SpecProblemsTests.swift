import Testing
import Experiments

/// A spec with several mistakes shows all of them in one attempt, each with its line and key.
@Suite struct SpecProblemsTests {
    @Test func everyProblemOfTheFileAtOnce() {
        let yaml = """
        experiment: t
        finetune:
          grup: 0.25
          steps: -1
        evaluate: {stride: 0}
        grid:
          finetune.attention: [full, s5]
        variants:
          a: {finetune.lora.rank: x}
        """
        let message = specError(yaml)
        #expect(message == """
            t.yaml: 5 problems:
              t.yaml:3: key 'finetune.grup': is unknown (did you mean 'finetune.group'?)
              t.yaml:4: key 'finetune.steps': expected an integer in 0...100000000, got -1 (an integer)
              t.yaml:5: key 'evaluate.stride': expected an integer in 1...1048576, got 0 (an integer)
              t.yaml:7: key 'finetune.attention': \(attentionChoiceError("s5"))
              t.yaml:9: key 'finetune.lora.rank': expected an integer in 1...65536, got 'x'
            """)
    }

    @Test func everyRunProblemOnceWithTheFirstRunThatHasIt() {
        // Two contexts break the batch (with either group: one problem each), and a group of
        // 24 tokens does not divide the one context that is otherwise fine.
        let yaml = """
        experiment: t
        grid:
          finetune.context: [1000, 1024, 1001]
          finetune.group: [0.25, 24]
        """
        let message = specError(yaml) ?? ""
        let lines = message.split(separator: "\n").map(String.init)
        #expect(lines.first == "t.yaml: 3 problems:", "\(message)")
        #expect(lines.contains("  t.yaml:3: key 'finetune.context' (run context=1000,group=0.25,seed=0): 8192 tokens per step is not a whole number of 1000-token sequences"))
        #expect(lines.contains("  t.yaml:3: key 'finetune.context' (run context=1001,group=0.25,seed=0): 8192 tokens per step is not a whole number of 1001-token sequences"))
        #expect(lines.contains("  t.yaml:4: key 'finetune.group' (run context=1024,group=24,seed=0): sequence length 1024 is not a multiple of the group size 24 (24 tokens)"))
    }
}

/// The message `finetune.attention: [s5]` gives on its own, so the test above does not
/// copy the list of registered patterns.
func attentionChoiceError(_ name: String) -> String {
    let single = specError("experiment: t\nfinetune: {attention: \(name)}\n") ?? ""
    return String(single.drop { $0 != ":" }.dropFirst().drop { $0 != ":" }.dropFirst().drop { $0 != ":" }.dropFirst().dropFirst())
}
