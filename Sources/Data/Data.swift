// Module Data: Corpora, tokenizers (byte-level and BPE) and memory-mapped token shards.
// Each concept of the module lives in its own file beside this one.
