import Testing
import Experiments

/// `run --print-config`: each run's resolved configuration, readable back as a spec.
@Suite struct ResolvedConfigTextTests {
    let yaml = """
        experiment: t
        data: {corpus: "pg19-mini"}
        grid:
          finetune.attention: [full, s2]
          finetune.group: [0.125, 0.25]
        evaluate: {datasets: [test, "proof-pile-mini:validation"], lengths: [256, 1024]}
        """

    @Test func yamlOfEveryRunReadsBackAsTheSameRun() throws {
        let runs = try expand(yaml)
        let text = ResolvedConfigText.render(runs, format: .yaml)
        let documents = text.components(separatedBy: "--- ").dropFirst()
        #expect(documents.count == runs.count)
        #expect(text.contains("# finetune.group: not read (no grouped attention in training or evaluation)"))
        for (run, document) in zip(runs, documents) {
            #expect(document.hasPrefix("# run \(run.id)\n"))
            #expect(document.contains("finetune:\n  attention: \(run.config.finetune.attention.rawValue)\n"))
            // The printed keys, as a spec of their own, give the run's configuration.
            let spec = "experiment: t\n" + document.replacingOccurrences(of: "\nseed: \(run.seed)\n", with: "\nseeds: [\(run.seed)]\n")
            let again = try expand(spec)
            #expect(again.count == 1)
            #expect(again.first?.canonicalJSON == run.canonicalJSON)
        }
    }

    @Test func jsonListsIdAndConfig() throws {
        let runs = try expand(yaml)
        let text = ResolvedConfigText.render(runs, format: .json)
        #expect(text.hasPrefix("[\n  {\"config\":{\"analytic\":"))
        #expect(text.contains("\"id\":\"attention=s2,group=0.125,seed=0\""))
        #expect(text.split(separator: "\n").count == runs.count + 2)
    }
}
