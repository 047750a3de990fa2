# Cross-check: the harness's tiny tied LLaMA trained by PyTorch (transformers) on a token
# shard, with the harness's induction probe (L ids uniform over the text's distinct ids,
# repeated; copy gain = first-copy loss - second-copy loss) every `probe_every` steps.
# usage: torch_indtask.py TRAIN.tokens VALID.tokens STEPS BATCH LR [WARMUP] [DIM LAYERS HEADS]
# (VOCAB in the environment: the corpus's vocabulary size, default 2048)
import sys, struct, time, numpy as np, torch
from transformers import LlamaConfig, LlamaForCausalLM
torch.manual_seed(0); torch.set_num_threads(1)
def load(path):
    raw = open(path, 'rb').read()
    width, = struct.unpack_from('<I', raw, 8); count, = struct.unpack_from('<Q', raw, 16)
    return np.frombuffer(raw, dtype=np.uint16 if width == 2 else np.uint32, count=count, offset=32).astype(np.int64)
ids, val = load(sys.argv[1]), load(sys.argv[2])
steps, B, lr = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
warm = int(sys.argv[6]) if len(sys.argv) > 6 else 50
d, nl, nh = (int(a) for a in sys.argv[7:10]) if len(sys.argv) > 9 else (64, 2, 2)
import os
V, L = int(os.environ.get('VOCAB', '2048')), 256
cfg = LlamaConfig(vocab_size=V, hidden_size=d, intermediate_size=int(d * 2.75), num_hidden_layers=nl,
                  num_attention_heads=nh, num_key_value_heads=nh, max_position_embeddings=L,
                  rope_theta=10000.0, tie_word_embeddings=True)
m = LlamaForCausalLM(cfg)
opt = torch.optim.AdamW(m.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1, eps=1e-8)
types = np.unique(val)
prng = np.random.default_rng(1)
probe = [np.concatenate([h, h]) for h in (types[prng.integers(0, len(types), 128)] for _ in range(16))]
probe = torch.tensor(np.stack(probe))
def copy_gain():
    with torch.no_grad():
        lg = m(input_ids=probe).logits
        lf = torch.nn.functional.cross_entropy(lg[:, :-1].reshape(-1, V), probe[:, 1:].reshape(-1), reduction='none').view(16, -1)
        first, second = lf[:, :127].mean().item(), lf[:, 128:].mean().item()
    return first, second
rng = np.random.default_rng(0)
t0, acc = time.time(), []
for step in range(1, steps + 1):
    for g in opt.param_groups: g['lr'] = lr * min(1.0, step / warm)
    starts = rng.integers(0, len(ids) - L - 1, B)
    x = torch.tensor(np.stack([ids[s:s + L] for s in starts]))
    loss = m(input_ids=x, labels=x).loss
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    acc.append(loss.item())
    if step % 250 == 0:
        f, s = copy_gain()
        print(step, 'loss', round(float(np.mean(acc)), 3), 'probe first', round(f, 3), 'second', round(s, 3),
              'gain', round(f - s, 3), f'{time.time() - t0:.0f}s', flush=True)
        acc = []
