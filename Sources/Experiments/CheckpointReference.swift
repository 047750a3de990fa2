import Foundation
import Model
import Results
import Support

/// What `longlora eval` is pointed at: a model directory, a run's checkpoint directory
/// (with `checkpoint.json`), or `RESULTS.h5#RUN_ID`, the checkpoint a result file
/// records for that run.
public struct CheckpointReference {
    /// The model directory to load.
    public var model: URL
    /// How it was trained, when known (a run's checkpoint directory).
    public var metadata: CheckpointMetadata?
    /// The model it was fine-tuned from, when known: a run on a given `base.checkpoint` finds
    /// that model's tokenizer there.
    public var base: URL?

    public init(parsing text: String) throws {
        if let hash = text.lastIndex(of: "#"), text[..<hash].hasSuffix(".h5") {
            let url = URL(fileURLWithPath: String(text[..<hash]))
            let id = String(text[text.index(after: hash)...])
            let file = try ResultFile.read(url)
            guard let run = file.run(id) else {
                var message = "\(url.path): no run '\(id)'"
                if let near = Suggestion.nearest(to: id, among: file.runs.map(\.id)) { message += " (did you mean '\(near)'?)" }
                throw UserError(message, hint: "longlora status \(url.path) lists the runs and their checkpoints")
            }
            guard !run.checkpoint.isEmpty else {
                throw UserError("\(url.path): run '\(id)' records no checkpoint (an analytic-only run, or a file written before checkpoints were recorded)")
            }
            let directory = run.checkpointURL(relativeTo: url.deletingLastPathComponent())
            guard let metadata = try CheckpointMetadata.read(from: directory) else {
                throw UserError("\(directory.path): checkpoint of run '\(id)' is missing (no \(CheckpointMetadata.fileName))",
                                hint: "rerun the experiment to recreate it")
            }
            try self.init(model: metadata.modelURL(in: directory), metadata: metadata)
            base = metadata.baseURL(in: directory)
            return
        }
        let directory = URL(fileURLWithPath: text)
        if let metadata = try CheckpointMetadata.read(from: directory) {
            try self.init(model: metadata.modelURL(in: directory), metadata: metadata)
            base = metadata.baseURL(in: directory)
        } else if directory.lastPathComponent.hasPrefix("step-"),
                  let run = try CheckpointMetadata.read(from: directory.deletingLastPathComponent()) {
            // One step checkpoint of a run (`checkpoints/<hash>/step-N`): the run's metadata
            // says how it was trained and from which base.
            try self.init(model: directory, metadata: run)
            base = run.baseURL(in: directory.deletingLastPathComponent())
        } else {
            try self.init(model: directory, metadata: nil)
        }
    }

    init(model: URL, metadata: CheckpointMetadata?) throws {
        // A fine-tune with adapters whose directory lost them would load as the bare base.
        if let metadata, let rank = metadata.loraRank, metadata.steps > 0,
           !FileManager.default.fileExists(atPath: model.appendingPathComponent(LlamaModel.adapterConfigFile).path) {
            throw UserError("\(model.path): \(CheckpointMetadata.fileName) records LoRA adapters of rank \(rank), but the directory has no \(LlamaModel.adapterConfigFile): evaluating it would measure the base model")
        }
        self.model = model
        self.metadata = metadata
    }

    /// The RoPE the run evaluated with: position interpolation (or NTK) by the recorded
    /// factor, on the model's own RoPE base. Nil without metadata.
    public func trainedRoPE(base: Double) -> RoPE? {
        metadata.map {
            // Only `linear` and `ntk` are written; anything else reads as the paper's linear.
            LlamaFinetuneStage.rope(base: base, factor: $0.positionInterpolation,
                                    scaling: PositionScaling(rawValue: $0.ropeScaling) ?? .linear)
        }
    }
}
