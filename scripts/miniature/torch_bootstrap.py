# Does a copy head bootstrapped on uniform ids survive (or form) beside natural text?
# usage: torch_bootstrap.py SHARD V STEPS MODE FRAC   MODE=curriculum|mix  (SHARD: a train.tokens of V ids)
#  curriculum: copy task only until second-copy loss < 1.0 (at most STEPS/2), then natural windows with FRAC copy seqs
#  mix: FRAC of each batch is copy sequences from the start
import sys, time, struct, numpy as np, torch
from transformers import LlamaConfig, LlamaForCausalLM
shard, V, steps, mode, frac = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
torch.manual_seed(0); torch.set_num_threads(1)
def read(path):
    raw = open(path, 'rb').read(); width, = struct.unpack_from('<I', raw, 8); count, = struct.unpack_from('<Q', raw, 16)
    return np.frombuffer(raw, dtype=np.uint16 if width == 2 else np.uint32, count=count, offset=32).astype(np.int64)
train = read(shard); val = read(shard.replace('train.tokens', 'validation.tokens'))
L, B, lr, lo, hi, FIRST = 256, 16, 2e-3, 6, 24, 258
cfg = LlamaConfig(vocab_size=V, hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=2,
                  num_key_value_heads=2, max_position_embeddings=4 * L, rope_theta=10000.0, tie_word_embeddings=True)
m = LlamaForCausalLM(cfg)
opt = torch.optim.AdamW(m.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
rng = np.random.default_rng(0)
def copyseq():
    ids, copy = [], []
    while len(ids) < L + 1:
        n = int(rng.integers(lo, hi + 1)); x = rng.integers(FIRST, V, n).tolist()
        ids += x + x; copy += [0] * n + [0] + [1] * (n - 1)
    return ids[:L + 1], copy[1:L + 1]
def natseq():
    s = int(rng.integers(0, len(train) - L - 1)); return train[s:s + L + 1].tolist(), [0] * L
prng = np.random.default_rng(1)
probe = torch.tensor(np.stack([np.concatenate([h, h]) for h in (prng.integers(FIRST, V, 128) for _ in range(16))]))
starts = prng.integers(0, len(val) - 128, 16)
natprobe = torch.tensor(np.stack([np.concatenate([val[s:s + 128], val[s:s + 128]]) for s in starts]))
vstarts = np.linspace(0, len(val) - 1025, 32).astype(int)
def gain(p):
    with torch.no_grad():
        pl = torch.nn.functional.cross_entropy(m(input_ids=p).logits[:, :-1].reshape(-1, V), p[:, 1:].reshape(-1), reduction='none').view(p.shape[0], -1)
    return pl[:, :127].mean().item() - pl[:, 128:].mean().item()
def valloss(n):
    with torch.no_grad():
        x = torch.tensor(np.stack([val[s:s + n + 1] for s in vstarts]))
        lf = torch.nn.functional.cross_entropy(m(input_ids=x[:, :-1]).logits.reshape(-1, V), x[:, 1:].reshape(-1), reduction='none').view(len(vstarts), -1)
    return lf[:, n // 2:].mean().item()  # the second half: context of at least n/2
t0, acc, phaseA = time.time(), [], mode == 'curriculum'
for step in range(1, steps + 1):
    for g in opt.param_groups: g['lr'] = lr * min(1.0, step / 50)
    f = 1.0 if phaseA else frac
    nc = int(round(B * f))
    seqs = [copyseq() for _ in range(nc)] + [natseq() for _ in range(B - nc)]
    x = torch.tensor([s for s, _ in seqs]); mask = torch.tensor([c for _, c in seqs], dtype=torch.bool)
    lg = m(input_ids=x[:, :-1]).logits
    lf = torch.nn.functional.cross_entropy(lg.reshape(-1, V), x[:, 1:].reshape(-1), reduction='none').view(B, -1)
    loss = lf.mean()
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    acc.append((lf[nc:].mean().item() if nc < B else float('nan'), lf[mask].mean().item() if mask.any() else float('nan')))
    if step % 100 == 0:
        a = np.nanmean(np.array(acc, dtype=float), 0) if acc else (0, 0); acc = []
        print(step, 'A' if phaseA else 'B', 'nat', round(a[0], 3), 'copies', round(a[1], 3), 'probe', round(gain(probe), 3),
              'natprobe', round(gain(natprobe), 3), 'val256', round(valloss(256), 3), 'val1024', round(valloss(1024), 3), f'{time.time() - t0:.0f}s', flush=True)
        if phaseA and (a[1] < 1.0 or step >= steps // 2): phaseA = False; print('phase B from', step, flush=True)
