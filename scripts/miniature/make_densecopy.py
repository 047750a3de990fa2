# densecopy (docs/miniature.md, fifth round): documents of segments x x, |x| uniform in
# LO..HI units, no delimiters, where the units are the vocabulary entries of a trained
# harness BPE that stay themselves in any context the generator puts them in: every byte
# and every merge whose bytes are one PreTokenizer word and encode back to that one id,
# each drawn among the units that keep a word boundary after the previous one
# (" the" after anything but spaces; "ing" only after a non-letter; "," after a
# non-punctuation...), weighted so that each is drawn about as often as the others. Every
# document is re-encoded to check that it is exactly its units' ids, so a copy repeats the
# same ids, and every byte and merge of that tokenizer is used.
# A corpus built from OUT retrains its own BPE; vocab_use.py says how many ids that uses.
#   longlora data build --corpus A --from NATURAL --format text --tokenizer bpe --vocab 2048
#   make_densecopy.py DATA/A/tokenizer.bpe OUT DOCUMENTS       (then, for copies alone:)
#   longlora data build --corpus densecopy --from OUT --format text --tokenizer bpe --vocab 2048
# To mix them into natural text, write them into a folder that also holds the natural
# documents (PREFIX names them apart, default "dense").
# usage: make_densecopy.py TOKENIZER OUT DOCUMENTS [UNITS_PER_DOCUMENT [LO HI [SEED [PREFIX]]]]
#        (defaults 2000, 6 24, 0, dense)
import os, random, sys
from harness_bpe import BPE, words

path, out, documents = sys.argv[1], sys.argv[2], int(sys.argv[3])
per_doc = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
lo, hi = (int(sys.argv[5]), int(sys.argv[6])) if len(sys.argv) > 6 else (6, 24)
seed = int(sys.argv[7]) if len(sys.argv) > 7 else 0
prefix = sys.argv[8] if len(sys.argv) > 8 else 'dense'
bpe = BPE(path)
ids = list(range(256)) + list(range(259, 259 + len(bpe.merges)))
units = [u for u in ids if words(bpe.pieces[u]) == [(0, len(bpe.pieces[u]))] and bpe.encode(bpe.pieces[u]) == [u]]
print(f'{len(units)} units of {len(ids)} bytes and merges ({bpe.vocab} ids with the specials and spare ids)')

joins = {}
def boundary(p, u):
    """True if u, written right after p, starts a new word and both stay whole."""
    if (p, u) not in joins:
        a, b = bpe.pieces[p], bpe.pieces[u]
        joins[(p, u)] = words(a + b) == [(0, len(a)), (len(a), len(a) + len(b))]
    return joins[(p, u)]

rng = random.Random(seed)
# A unit that may follow few others ("ing" only after a non-letter) would be drawn that much
# less often: weight each by the inverse of the share of units it may follow (measured on
# 256 of them). This evens out most of the difference, not all (vocab_use.py).
sample = rng.sample(units, 256)
cumulative, total = [], 0.0
for u in units:
    total += 256 / max(1, sum(boundary(p, u) for p in sample)); cumulative.append(total)

def after(p, before=None):
    """A unit drawn, by its weight, among those that may follow p (and precede `before`)."""
    while True:
        u = rng.choices(units, cum_weights=cumulative)[0]
        if (p is None or boundary(p, u)) and (before is None or boundary(u, before)): return u

def document():
    doc, last = [], None  # a document starts afresh
    while len(doc) < per_doc:
        x = [after(last)]
        for _ in range(rng.randint(lo, hi) - 1): x.append(after(x[-1]))
        while not boundary(x[-1], x[0]): x[-1] = after(x[-2], x[0])
        doc += x + x
        last = x[-1]
    return doc

os.makedirs(out, exist_ok=True)
width = len(str(documents - 1))
for d in range(documents):
    doc = document()
    text = b''.join(bpe.pieces[u] for u in doc)
    assert bpe.encode(text) == doc, f'document {d} does not re-encode to its units'
    open(os.path.join(out, f'{prefix}{d:0{width}d}.txt'), 'wb').write(text)
print(f'{documents} documents of about {per_doc} units in {out}')
