// Module Metrics: Analytic FLOPs, memory and GPU-hour models, and measured resources.
// Each concept of the module lives in its own file beside this one.
