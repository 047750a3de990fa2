# The harness's byte-level BPE in Python, for the fifth round's scripts: reads a corpus
# folder's tokenizer.bpe, cuts bytes into words as the harness's PreTokenizer does and
# merges inside each word lowest id first (as BPETokenizer.encode), and reads and writes
# token shards (the LLTSHRD1 layout: documents, each ending with EOS 257).
# Imported by make_densecopy.py and vocab_use.py; not run on its own.
import array, struct

EOS, FIRST_MERGE, MAX_WORD = 257, 259, 32
# Byte classes: letters (with every byte >= 0x80), digits, space, other whitespace, punctuation.
CLS = ['L' if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A or b >= 0x80 else 'D' if 0x30 <= b <= 0x39
       else 'S' if b == 0x20 else 'W' if 0x09 <= b <= 0x0D else 'P' for b in range(256)]


def words(data):
    """The word ranges of `data` (bytes), as PreTokenizer.forEachWord cuts them."""
    out, i, n = [], 0, len(data)

    def emit(s, e):
        while e - s > MAX_WORD:
            out.append((s, s + MAX_WORD)); s += MAX_WORD
        if s < e: out.append((s, e))
    while i < n:
        start, c = i, CLS[data[i]]
        if c == 'S':
            j = i
            while j < n and data[j] == 0x20: j += 1
            joins = j < n and CLS[data[j]] != 'W'
            if joins and j - i > 1:
                emit(start, j - 1); i = j - 1; continue
            if not joins:
                emit(start, j); i = j; continue
            i, c = j, CLS[data[j]]
        while i < n and CLS[data[i]] == c: i += 1
        emit(start, i)
    return out


class BPE:
    def __init__(self, path):
        lines = open(path).read().split('\n')
        assert lines[0].startswith('longlora-bpe'), f'{path}: not a harness BPE file'
        self.vocab = int(lines[1].split()[1])
        self.merges = [tuple(map(int, l.split())) for l in lines[2:] if l.strip()]
        self.rank = {m: FIRST_MERGE + k for k, m in enumerate(self.merges)}
        self.pieces = [bytes([b]) for b in range(256)] + [b'', b'', b'']
        for a, b in self.merges: self.pieces.append(self.pieces[a] + self.pieces[b])
        self.cache = {}

    def encode_word(self, w):
        if len(w) == 1: return [w[0]]
        if w in self.cache: return self.cache[w]
        s = list(w)
        while len(s) > 1:
            best = min((self.rank.get((s[i], s[i + 1]), 1 << 30) for i in range(len(s) - 1)))
            if best == 1 << 30: break
            a, b = self.merges[best - FIRST_MERGE]
            t, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b: t.append(best); i += 2
                else: t.append(s[i]); i += 1
            s = t
        self.cache[w] = s
        return s

    def encode(self, data):
        out = []
        for s, e in words(data): out += self.encode_word(bytes(data[s:e]))
        return out


def read_shard(path):
    """The ids of a token shard (every document followed by EOS)."""
    raw = open(path, 'rb').read()
    assert raw[:8] == b'LLTSHRD1', f'{path}: not a token shard'
    width, = struct.unpack_from('<I', raw, 8); count, = struct.unpack_from('<Q', raw, 16)
    ids = array.array('H' if width == 2 else 'I'); ids.frombytes(raw[32:32 + count * width])
    return ids


def write_shard(path, documents, vocab):
    """Writes tokenized documents (without EOS) as TokenShardWriter does."""
    width = 2 if vocab <= 1 << 16 else 4
    ids = array.array('H' if width == 2 else 'I')
    offsets = []
    for d in documents:
        offsets.append(len(ids)); ids.extend(d); ids.append(EOS)
    offsets.append(len(ids))
    body = ids.tobytes(); body += b'\0' * (-len(body) % 8)
    header = b'LLTSHRD1' + struct.pack('<IIQQ', width, 0, len(ids), len(documents))
    open(path, 'wb').write(header + body + struct.pack(f'<{len(offsets)}Q', *offsets))
