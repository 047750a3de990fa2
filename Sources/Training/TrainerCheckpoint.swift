import Foundation
import Model
import Support

/// A resumable checkpoint: the model in Hugging Face layout (config.json, model.safetensors,
/// PEFT adapter files) plus `optimizer.safetensors` (AdamW moments under `exp_avg.<name>` and
/// `exp_avg_sq.<name>`) and `trainer_state.json` (step, training config, trainable parts,
/// history). Data order needs no RNG state: batches are a function of (seed, step). How the
/// run executes (`Execution`: threads, recomputation) is not saved; a thread count that
/// checkpoints of earlier versions hold in their training config is ignored.
public enum TrainerCheckpoint {
    public static let stateFile = "trainer_state.json"
    public static let optimizerFile = "optimizer.safetensors"

    struct State: Codable {
        var formatVersion = 1
        var step: Int
        var optimizerStep: Int
        var trainable: TrainableParts
        var training: TrainingConfig
        var history: [TrainingStep]
    }

    /// Writes the checkpoint directory atomically (temporary name, then rename).
    public static func save(_ trainer: Trainer, to dir: URL) throws {
        let model = trainer.model, params = model.parameters
        try CheckpointDirectory.write(dir) { tmp in
            try model.writeHF(into: tmp)
            var tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = []
            for spec in params.trainableTensors {
                let o = spec.gradientOffset!
                tensors.append(("exp_avg.\(spec.name)", spec.shape,
                                UnsafeBufferPointer(start: trainer.optimizer.m.pointer + o, count: spec.count)))
                tensors.append(("exp_avg_sq.\(spec.name)", spec.shape,
                                UnsafeBufferPointer(start: trainer.optimizer.v.pointer + o, count: spec.count)))
            }
            try Safetensors.write(tensors, to: tmp.appendingPathComponent(optimizerFile))
            let state = State(step: trainer.step, optimizerStep: trainer.optimizer.step, trainable: model.trainable,
                              training: trainer.config, history: trainer.history)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(state), to: tmp.appendingPathComponent(stateFile))
        }
    }

    /// Rebuilds the trainer of `dir` so that further steps equal those of an uninterrupted run
    /// (bit for bit with the same thread count). `attention` must be the kernel the run used;
    /// `batches` the same provider. With `training`, the trainer runs that config, which must
    /// be the saved one or carry it on to more steps (`TrainingConfig.continues`).
    public static func resume(from dir: URL, attention: any AttentionBackend, execution: Execution,
                              batches: @escaping TokenBatchProvider, training: TrainingConfig? = nil,
                              progress: @escaping ProgressSink = Progress.silent) throws -> Trainer {
        let stateURL = dir.appendingPathComponent(stateFile)
        let state: State
        do { state = try JSONDecoder().decode(State.self, from: Data(contentsOf: stateURL)) } catch {
            throw UserError("\(stateURL.path): not a trainer state (\(error.localizedDescription))")
        }
        if let training, training != state.training, !training.continues(state.training) {
            throw UserError("\(stateURL.path): the checkpoint was trained with another recipe than the one to resume",
                            hint: "delete the checkpoint to train from the start")
        }
        let model = try LlamaModel.load(from: dir, trainable: state.trainable)
        let trainer = try Trainer(model: model, config: training ?? state.training, attention: attention, execution: execution,
                                  batches: batches, progress: progress)
        let optURL = dir.appendingPathComponent(optimizerFile)
        let moments = try Safetensors.read(optURL)
        var m = [Float](repeating: 0, count: model.parameters.trainableCount), v = m
        for spec in model.parameters.trainableTensors {
            guard let a = moments["exp_avg.\(spec.name)"], let b = moments["exp_avg_sq.\(spec.name)"],
                  a.values.count == spec.count, b.values.count == spec.count else {
                throw UserError("\(optURL.path): moments of '\(spec.name)' are missing or have the wrong size")
            }
            let o = spec.gradientOffset!
            m.replaceSubrange(o..<(o + spec.count), with: a.values)
            v.replaceSubrange(o..<(o + spec.count), with: b.values)
        }
        trainer.optimizer.restore(step: state.optimizerStep, m: m, v: v)
        trainer.restore(step: state.step, history: state.history)
        return trainer
    }
}
