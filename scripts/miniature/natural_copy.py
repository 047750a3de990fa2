# How much a model copies natural text: 16 spans of 40 tokens from a token shard, each seen,
# then 100 other tokens, then seen again; the mean loss per position on each sight.
# usage: natural_copy.py HF_MODEL_DIR SHARD.tokens   (a model exported with `longlora export-hf`)
import sys, torch, struct, numpy as np
from transformers import LlamaForCausalLM
d, shard = sys.argv[1], sys.argv[2]
m = LlamaForCausalLM.from_pretrained(d).eval()
raw = open(shard, 'rb').read(); w, = struct.unpack_from('<I', raw, 8); n, = struct.unpack_from('<Q', raw, 16)
val = np.frombuffer(raw, dtype=np.uint16 if w == 2 else np.uint32, count=n, offset=32).astype(np.int64)
rng = np.random.default_rng(0); res = []
for t in range(16):
    s = rng.integers(0, len(val) - 400); span = val[s:s + 40]; gap = val[s + 1000:s + 1000 + 100]
    ids = torch.tensor(np.concatenate([span, gap, span]))[None]
    with torch.no_grad(): lp = m(ids).logits[0, :-1].log_softmax(-1)
    loss = -lp.gather(1, ids[0, 1:, None])[:, 0]
    res.append((loss[:39].numpy(), loss[140:179].numpy()))
a = np.mean([r[0] for r in res], 0); b = np.mean([r[1] for r in res], 0)
print('first copy loss by position', np.round(a[:10], 2), 'mean', a.mean().round(2))
print('second copy loss by position', np.round(b[:10], 2), 'mean', b.mean().round(2))
