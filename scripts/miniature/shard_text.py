# The documents of a byte-tokenized shard (such as data/pg19-mini/train.tokens), one text
# file per document (the shard ends each with EOS, id 257), so that a corpus built with
# `longlora data build --from OUT --format text` holds the same natural text under another
# tokenizer (the fifth round's pg19-mini text, alone or mixed with make_densecopy.py's copies).
# usage: shard_text.py SHARD OUT
import array, os, struct, sys
raw = open(sys.argv[1], 'rb').read()
width, = struct.unpack_from('<I', raw, 8); count, = struct.unpack_from('<Q', raw, 16)
ids = array.array('H' if width == 2 else 'I'); ids.frombytes(raw[32:32 + count * width])
os.makedirs(sys.argv[2], exist_ok=True)
doc, n = bytearray(), 0
for x in ids:
    if x == 257:
        open(os.path.join(sys.argv[2], f'pg{n:04d}.txt'), 'wb').write(doc); doc, n = bytearray(), n + 1
    elif x < 256:
        doc.append(x)
if doc: open(os.path.join(sys.argv[2], f'pg{n:04d}.txt'), 'wb').write(doc); n += 1
print(n, 'documents')
