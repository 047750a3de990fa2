import Foundation
import Support

/// A longer base carries on a shorter one. Under a constant learning rate the first M steps
/// of an N-step pretraining are exactly an M-step pretraining of the same recipe (batches
/// are a function of seed and step), so a base of N steps starts from the final checkpoint
/// of the longest finished base of its recipe with fewer steps instead of from step 0, and
/// ends with the same weights. A ladder of base strengths (`base.steps: [10000, 20000,
/// 40000]`) then costs its longest rung, not the sum of its rungs.
///
/// Each finished constant-rate base records its recipe (`PlannedRun.baseRecipeHash`, which
/// includes the code version and data manifests) and length in `continuation.json`; its
/// final trainer checkpoint is `continuation/` (written by the pretraining stage).
enum BaseContinuation {
    static let fileName = "continuation.json"

    struct Record: Codable, Equatable {
        var recipe: String
        var steps: Int
    }

    /// Records `directory` (a base about to be committed) as `recipe` at `steps`.
    static func record(_ record: Record, in directory: URL) throws {
        try AtomicFile.write(try JSONEncoder().encode(record), to: directory.appendingPathComponent(fileName))
    }

    /// The finished base in `cache` of `recipe` with the most steps below `steps` that kept
    /// its final checkpoint.
    static func donor(in cache: URL, recipe: String, below steps: Int) -> (base: URL, steps: Int)? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: cache.path) else { return nil }
        var best: (base: URL, steps: Int)?
        for name in names where name.hasPrefix("base-") && !name.contains(".") {
            let base = cache.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: base.appendingPathComponent(fileName)),
                  let found = try? JSONDecoder().decode(Record.self, from: data),
                  found.recipe == recipe, (best?.steps ?? 0) < found.steps, found.steps < steps,
                  FileManager.default.fileExists(atPath: checkpoint(of: base).path) else { continue }
            best = (base, found.steps)
        }
        return best
    }

    /// The final trainer checkpoint of a finished base.
    static func checkpoint(of base: URL) -> URL {
        base.appendingPathComponent(LlamaPretrainStage.continuationDirectory)
    }

    /// Puts the donor's final checkpoint into `stepsDirectory` (the new base's resumable
    /// steps) as its step-M checkpoint, with the donor's probe curve, unless the new base
    /// has checkpoints of its own already. Returns the step it starts from.
    static func seed(_ stepsDirectory: URL, from donor: (base: URL, steps: Int)) throws -> Int? {
        if try LlamaFinetuneStage.latestCheckpoint(in: stepsDirectory) != nil { return nil }
        let fm = FileManager.default
        try fm.createDirectory(at: stepsDirectory, withIntermediateDirectories: true)
        let source = checkpoint(of: donor.base)
        let target = LlamaFinetuneStage.checkpointURL(stepsDirectory, step: donor.steps)
        let temporary = AtomicFile.temporaryURL(for: target)
        try? fm.removeItem(at: temporary)
        try fm.copyItem(at: source, to: temporary)
        let probe = LlamaPretrainStage.probeURL(temporary)
        if fm.fileExists(atPath: probe.path) {
            try AtomicFile.write(try Data(contentsOf: probe), to: LlamaPretrainStage.probeURL(stepsDirectory))
        }
        try AtomicFile.commit(temporary, to: target)
        return donor.steps
    }
}
