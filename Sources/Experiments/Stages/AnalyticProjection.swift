import Metrics
import Model
import Support

/// A run's recipe projected onto a real Llama2 (`analytic.*`): the paper's FLOPs table
/// (forward FLOPs of one sequence by component, whole-matrix attention) and its Figure 1
/// (memory per GPU and GPU hours of 1000 steps x 64 sequences, ZeRO-2, gradient
/// checkpointing, FlashAttention), with the calibration of `Calibration.paper`.
/// The method, attention and group ratio follow `finetune` (`FinetuneRecipe.fineTuneSetup`).
enum AnalyticProjection {
    static func metrics(_ config: RunConfig) throws -> [String: Double] {
        let plan = config.analytic
        let model = plan.model
        let recipe = config.finetune
        let n = plan.context
        // The group keeps its fraction of the context (an absolute G scales with it).
        let setup = try recipe.fineTuneSetup(checkpointing: true, flashAttention: true)
        let forward = FLOPs.forward(model, context: n, attention: setup.attention, groupRatio: setup.groupRatio)
        let cluster = Cluster(gpus: plan.gpus, zeroStage: 2, device: plan.device)
        let calibration = Calibration.paper
        let memory = calibration.memoryModel.estimate(model, context: n, setup: setup, cluster: cluster)
        let hours = GPUHours.hours(model, context: n, setup: setup, recipe: .paper, cluster: cluster, mfu: calibration.mfu)
        return [
            "context": Double(n),
            "tflops_forward_attention": forward.attention / 1e12, "tflops_forward_projections": forward.projections / 1e12,
            "tflops_forward_ffn": forward.ffn / 1e12, "tflops_forward_others": forward.others / 1e12,
            "tflops_forward_total": forward.total / 1e12,
            "memory_gb": memory.totalGiB, "fits": memory.fits(cluster.device) ? 1 : 0,
            "gpu_hours": hours,
        ]
    }
}
