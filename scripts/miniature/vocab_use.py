# How much of a vocabulary a token shard trains: the fraction of the VOCAB ids that occur
# in SHARD (such as DATA/densecopy/train.tokens) and how often the rarest occur (the fifth
# round's vocabulary-use figures).
# usage: vocab_use.py SHARD VOCAB
import collections, sys
from harness_bpe import read_shard

ids = read_shard(sys.argv[1]); vocab = int(sys.argv[2])
counts = collections.Counter(ids)
c = sorted(counts.get(i, 0) for i in range(vocab))
used = sum(1 for x in c if x > 0)
q = lambda f: c[min(vocab - 1, int(f * vocab))]
print(f'{len(ids)} tokens; {used} of {vocab} ids occur ({used / vocab:.1%}); unused: '
      f'{sorted(i for i in range(vocab) if counts.get(i, 0) == 0)[:40]}{" ..." if vocab - used > 40 else ""}')
print(f'count per id: min {c[0]}, 1% {q(.01)}, 5% {q(.05)}, 10% {q(.1)}, median {q(.5)}, max {c[-1]}; '
      f'ids seen fewer than 100 times: {sum(1 for x in c if x < 100)}')
