# The N commonest lowercase words of 3 or more letters in a byte-tokenized shard (such as
# data/pg19-mini/train.tokens), written space-separated to OUT: the word list of reptask2k.
# usage: common_words.py SHARD OUT [N]   (default 2048)
import array, collections, re, struct, sys
raw = open(sys.argv[1], 'rb').read()
width, = struct.unpack_from('<I', raw, 8); count, = struct.unpack_from('<Q', raw, 16)
ids = array.array('H' if width == 2 else 'I'); ids.frombytes(raw[32:32 + count * width])
text = bytes(x for x in ids if x < 256).decode('utf-8', 'replace')
counts = collections.Counter(w for w in re.findall(r'[a-z]+', text.lower()) if len(w) >= 3)
n = int(sys.argv[3]) if len(sys.argv) > 3 else 2048
open(sys.argv[2], 'w').write(' '.join(w for w, _ in counts.most_common(n)) + '\n')
