// Module Evaluation: Perplexity protocols (longlora, strided) and passkey retrieval.
// Each concept of the module lives in its own file beside this one.
