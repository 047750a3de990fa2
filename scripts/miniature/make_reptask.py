# reptask (docs/miniature.md, fourth round): 400 documents of about 2,000 words, each a run
# of segments x x, |x| uniform in 6..24 words drawn uniformly from the distinct words of a
# text folder (the round used the 742 words of its indtask corpus), no delimiters, so only
# content says where a copy comes from. Build it with
#   longlora data build --corpus reptask --from OUT --format text --tokenizer bpe --vocab 2048
# usage: make_reptask.py WORDS_FOLDER OUT [DOCUMENTS]   (default 400; more extend the same stream)
import os, random, sys
src, out = sys.argv[1], sys.argv[2]
documents = int(sys.argv[3]) if len(sys.argv) > 3 else 400
words = sorted(set(w for f in os.listdir(src) for w in open(os.path.join(src, f)).read().split()))
rng = random.Random(0)
os.makedirs(out, exist_ok=True)
for d in range(documents):
    text = []
    while len(text) < 2000:
        x = [rng.choice(words) for _ in range(rng.randint(6, 24))]
        text += x + x
    open(os.path.join(out, f'doc{d:04d}.txt' if documents > 1000 else f'doc{d:03d}.txt'), 'w').write(' '.join(text) + '\n')
