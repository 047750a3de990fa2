# Control: content-addressed copying with no positional shortcut. Each training sequence of
# 256 ids is a run of segments [x, x], |x| uniform in LO..HI, ids uniform over V; loss on the
# second copies (after their first id) is what only an induction head can lower.
# usage: torch_repeats.py STEPS BATCH LR LO HI [V]
# Environment: USED=K draws ids from the first K of the V rows (default all V); STREAM=1 cuts
# each sequence at a random offset of a long stream of segments instead of starting one;
# FREQ=SHARD draws ids (i.i.d.) as often as they occur in the token shard SHARD (such as a
# densecopy train.tokens) instead of uniformly, and the probe uniformly over those that occur.
import sys, time, numpy as np, torch
from transformers import LlamaConfig, LlamaForCausalLM
torch.manual_seed(0); torch.set_num_threads(1)
steps, B, lr, lo, hi = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
V = int(sys.argv[6]) if len(sys.argv) > 6 else 2048
import os
USED = int(os.environ.get('USED', V)); STREAM = os.environ.get('STREAM') == '1'
FREQ = os.environ.get('FREQ')
if FREQ:
    import struct
    raw = open(FREQ, 'rb').read()
    width, = struct.unpack_from('<I', raw, 8); count, = struct.unpack_from('<Q', raw, 16)
    counts = np.bincount(np.frombuffer(raw, dtype=np.uint16 if width == 2 else np.uint32, count=count, offset=32), minlength=V)[:V]
    counts[257] = 0  # EOS ends documents; it is not a copied id
    weights, occurring = counts / counts.sum(), np.nonzero(counts)[0]
def draw(generator, n, probe=False):
    if not FREQ: return generator.integers(0, USED, n)
    return occurring[generator.integers(0, len(occurring), n)] if probe else generator.choice(V, n, p=weights)
L = 256
cfg = LlamaConfig(vocab_size=V, hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=2,
                  num_key_value_heads=2, max_position_embeddings=L, rope_theta=10000.0, tie_word_embeddings=True)
m = LlamaForCausalLM(cfg)
opt = torch.optim.AdamW(m.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
rng = np.random.default_rng(0)
def sequence():
    ids, copy = [], []
    skip = int(rng.integers(0, 2 * hi)) if STREAM else 0  # a window cut anywhere in the stream
    while len(ids) < L + 1 + skip:
        n = int(rng.integers(lo, hi + 1)); x = draw(rng, n).tolist()
        ids += x + x; copy += [0] * n + [0] + [1] * (n - 1)
    return ids[skip:skip + L + 1], copy[skip + 1:skip + L + 1]
prng = np.random.default_rng(1)
probe = torch.tensor(np.stack([np.concatenate([h, h]) for h in (draw(prng, 128, True) for _ in range(16))]))
t0, acc = time.time(), []
for step in range(1, steps + 1):
    for g in opt.param_groups: g['lr'] = lr * min(1.0, step / 50)
    seqs = [sequence() for _ in range(B)]
    x = torch.tensor([s for s, _ in seqs]); mask = torch.tensor([c for _, c in seqs], dtype=torch.bool)
    lg = m(input_ids=x[:, :-1]).logits
    lf = torch.nn.functional.cross_entropy(lg.reshape(-1, V), x[:, 1:].reshape(-1), reduction='none').view(B, -1)
    loss = lf.mean()
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    acc.append((loss.item(), lf[mask].mean().item()))
    if step % 100 == 0:
        with torch.no_grad():
            pl = torch.nn.functional.cross_entropy(m(input_ids=probe).logits[:, :-1].reshape(-1, V), probe[:, 1:].reshape(-1), reduction='none').view(16, -1)
        a = np.mean(acc, 0); acc = []
        print(step, 'loss', round(a[0], 3), 'copies', round(a[1], 3), 'probe gain', round(pl[:, :127].mean().item() - pl[:, 128:].mean().item(), 3), f'{time.time() - t0:.0f}s', flush=True)
