// Module Experiments: Strict YAML experiment specs, sweep expansion, cache and the runner.
// Each concept of the module lives in its own file beside this one.
