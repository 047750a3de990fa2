# The natural documents of a mixed corpus's held-out splits, as a token shard in that
# corpus's own BPE: the fifth round's natural held-out text for `longlora eval --data`.
# A document counts as natural if its bytes are one of the files of NATURAL (the folder
# shard_text.py wrote); the copy documents of make_densecopy.py are left out.
# usage: heldout_natural.py CORPUS_FOLDER NATURAL OUT.tokens   (validation and test splits)
import hashlib, os, sys
from harness_bpe import BPE, EOS, read_shard, write_shard

corpus, natural, out = sys.argv[1:4]
bpe = BPE(os.path.join(corpus, 'tokenizer.bpe'))
names = {hashlib.sha256(open(os.path.join(natural, f), 'rb').read()).hexdigest(): f for f in os.listdir(natural)}
kept = {}
for split in ('validation', 'test'):
    doc = []
    for x in read_shard(os.path.join(corpus, f'{split}.tokens')):
        if x != EOS: doc.append(x); continue
        name = names.get(hashlib.sha256(b''.join(bpe.pieces[i] for i in doc)).hexdigest())
        if name: kept[name] = doc
        doc = []
documents = [kept[n] for n in sorted(kept)]
write_shard(out, documents, bpe.vocab)
print(f'{len(documents)} natural documents, {sum(map(len, documents))} tokens -> {out}')
