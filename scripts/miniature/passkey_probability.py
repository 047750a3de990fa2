# What a model predicts where the passkey should be: five prompts in the paper's format (the
# key after 60 filler characters), the probability and rank of the key's first token and the
# five likeliest tokens. usage: passkey_probability.py HF_MODEL_DIR (from `longlora export-hf`)
import sys, torch, random
from transformers import AutoTokenizer, LlamaForCausalLM
d = sys.argv[1]
tok = AutoTokenizer.from_pretrained(d); m = LlamaForCausalLM.from_pretrained(d).eval()
filler = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. "
task = "There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. I will quiz you about the important information there."
random.seed(0)
for t in range(5):
    key = random.randint(1, 49999)
    p = "\n".join([task, filler[:60], f"The pass key is {key}. Remember it. {key} is the pass key.", filler[60:], "What is the pass key? The pass key is"])
    ids = tok(p, return_tensors='pt').input_ids
    want = tok(p + f" {key}").input_ids[ids.shape[1]]
    with torch.no_grad(): pr = m(ids).logits[0, -1].softmax(-1)
    top = pr.topk(5)
    print(ids.shape[1], key, 'p(key tok)=%.3f rank %d' % (pr[want], (pr > pr[want]).sum()), [(tok.decode([i]), round(v.item(), 3)) for v, i in zip(top.values, top.indices)])
