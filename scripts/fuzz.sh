#!/usr/bin/env bash
# A long fuzz campaign against the release binary: mutated specs (`run --dry-run`), extreme
# `--set` overrides (`run --dry-run`), damaged inputs of `eval` (a built corpus's token shard
# and manifest; a checkpoint directory's config.json, model.safetensors and adapter files; a
# GGUF file, also read by `flops`), and corrupted result files (`status`, `table`,
# `export`, `check`, `plot`: the committed baseline with bytes overwritten or cut short,
# which its seal catches, or with its seal's 512 bytes cut, which leaves an unsealed HDF5
# file that the command line reads in a child process first), each case under a time limit. Every case must end with exit
# 0, 1 or 2; exit 1 or 2 must come with a message on stderr. Anything else is counted:
# a signal or the internal-error exit 70 is a crash, a case killed at the time limit a hang.
#
#   scripts/fuzz.sh [CASES_PER_KIND] [SEED]       (defaults: 1000, 1)
#
# LONGLORA (default .build/release/longlora) picks the binary, TIMEOUT (default 90) the
# seconds per case: above the 60 s a command gives libhdf5 to read an unsealed result file in
# its child process before it reports the file as damaged. Failing cases are kept in $OUT (default a fresh temporary folder) with
# their command line and stderr. The in-process fuzz test (SpecFuzzTests) is its small,
# fixed-seed sibling, as InputFileFuzzTests and GGUFFuzzTests are of the damaged inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

cases=${1:-1000}
seed=${2:-1}
bin=${LONGLORA:-.build/release/longlora}
limit=${TIMEOUT:-90}
[ -x "$bin" ] || { echo "error: $bin not found; build it with: swift build -c release" >&2; exit 2; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out/cases" "$out/failures"

# Mutations (Python's standard library only; the same seed gives the same cases).
python3 - "$out/cases" "$cases" "$seed" <<'PY'
import glob, os, random, sys
folder, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
values = ["0", "-1", "1", "2", "7", "1e-320", "3.5", "-0.0", "1e308", "-1e308", ".nan", ".inf", "-.inf",
          "9223372036854775807", "9223372036854775808", "-9223372036854775808", "576460752303423488",
          "1152921504606846976", "4294967296", "65536", "0x7fffffffffffffff", '"8"', "'auto'", "auto", "~",
          "null", "true", "[]", "{}", "[1, 2, 1]", "[9223372036854775807]", "&a 5", "*a", "!!binary aGk=",
          "full", "s2", "grid", '""', "x: y", "- z"]
noise = ["\0", "\a", "\t", "\x1b[2J", "\ufeff", "\u2028", "\r", ":", "- ", "  ", "&x ", "*x", "{", "]", "#", "%YAML 1.1\n"]
specs = [open(p, encoding="utf-8").read() for p in sorted(glob.glob("experiments/*.yaml"))] + ["experiment: t\n"]

def mutate(text):
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        kind = rng.randrange(10)
        if kind < 3:
            head, colon, _ = lines[i].partition(":")
            lines[i] = (head + ": " if colon else lines[i] + " ") + rng.choice(values)
        elif kind == 3:
            del lines[i]
        elif kind == 4:
            lines.insert(i, lines[i])
        elif kind == 5:
            j = rng.randrange(len(lines)); lines[i], lines[j] = lines[j], lines[i]
        elif kind == 6:
            k = rng.randrange(len(lines[i]) + 1); lines[i] = lines[i][:k] + rng.choice(noise) + lines[i][k:]
        elif kind == 7:
            kept = "\n".join(lines[: i + 1]); return kept[: rng.randrange(len(kept) + 1)].encode()
        elif kind == 8:
            lines[i:i] = ["      - &m [1, 2, 3, 4, 5, 6, 7, 8]", "      - [*m, *m, *m, *m, *m, *m, *m, *m]"]
        else:  # bytes that are not UTF-8, or UTF-16
            data = "\n".join(lines).encode()
            return data.decode().encode("utf-16") if rng.random() < 0.5 else data[:10] + b"\xff\xfe\xc0" + data[10:]
    return "\n".join(lines).encode()

keys = sorted({line.split("`")[1] for line in open("docs/spec-reference.md", encoding="utf-8") if line.startswith("| `")})
for n in range(count):
    with open(os.path.join(folder, f"spec-{n:05d}.yaml"), "wb") as f:
        f.write(mutate(rng.choice(specs)))
    with open(os.path.join(folder, f"set-{n:05d}.args"), "w") as f:
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(keys) + (rng.choice(["x", ".", "[0]", ""]) if rng.random() < 0.1 else "")
            f.write(f"{key}={rng.choice(values)}\n")
base = open("results/baselines/regression-micro.h5", "rb").read()
for n in range(count):
    data = bytearray(base)
    kind = rng.randrange(3)
    label = "damaged" if kind < 2 else "headless"
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        data = data[: rng.randrange(len(data))]
    else:  # the seal cut, then damaged: an unsealed HDF5 file with wrong offsets
        data = data[512:]
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    with open(os.path.join(folder, f"result-{n:05d}.{label}.h5"), "wb") as f:
        f.write(data)
PY

# Inputs of `eval` other than specs: a tiny byte-level corpus built by the binary, then (by the
# generator below) a micro checkpoint directory with LoRA adapters, the same weights as a GGUF
# file with a byte-level tokenizer, a LongLoRA .bin, and damaged copies of each.
mkdir -p "$out/base/data"
python3 - "$out/base/tiny.txt" "$seed" <<'PY'
import random, sys
rng, words = random.Random(int(sys.argv[2])), "the grass is green sky blue sun and a river runs over".split()
open(sys.argv[1], "w").write("".join(" ".join(rng.choice(words) for _ in range(8)) + ".\n" for _ in range(400)))
PY
"$bin" data build --corpus tiny --from "$out/base/tiny.txt" --format text --data-dir "$out/base/data" --quiet >/dev/null
python3 - "$out/base" "$out/cases" "$cases" "$seed" <<'PY'
import json, os, random, shutil, struct, sys
base, folder, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)

# The micro model (d 32, 2 layers, 4 heads sharing 2 key/value heads, ffn 96, 259 ids) with
# LoRA adapters of rank 4 on q, k, v, o: config.json, model.safetensors, adapter files.
V, D, L, H, KV, F, R = 259, 32, 2, 4, 2, 96, 4
hd = D // H
def base_tensors():
    out = [("model.embed_tokens.weight", [V, D])]
    for l in range(L):
        p = f"model.layers.{l}."
        out += [(p + "input_layernorm.weight", [D]), (p + "self_attn.q_proj.weight", [D, D]),
                (p + "self_attn.k_proj.weight", [KV * hd, D]), (p + "self_attn.v_proj.weight", [KV * hd, D]),
                (p + "self_attn.o_proj.weight", [D, D]), (p + "post_attention_layernorm.weight", [D]),
                (p + "mlp.gate_proj.weight", [F, D]), (p + "mlp.up_proj.weight", [F, D]), (p + "mlp.down_proj.weight", [D, F])]
    return out + [("model.norm.weight", [D]), ("lm_head.weight", [V, D])]
def adapter_tensors():
    out = []
    for l in range(L):
        for t, o in [("q", D), ("k", KV * hd), ("v", KV * hd), ("o", D)]:
            stem = f"base_model.model.model.layers.{l}.self_attn.{t}_proj"
            out += [(stem + ".lora_A.weight", [R, D]), (stem + ".lora_B.weight", [o, R])]
    return out
def values(shape):
    n = 1
    for s in shape: n *= s
    return [1.0] * n if len(shape) == 1 else [rng.gauss(0, 0.05) for _ in range(n)]
def safetensors(tensors):
    header, data = {}, b""
    for name, shape in tensors:
        blob = struct.pack(f"<{len(values(shape))}f", *values(shape))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header, sort_keys=True).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data
config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": D, "intermediate_size": F,
          "num_attention_heads": H, "num_key_value_heads": KV, "num_hidden_layers": L, "vocab_size": V, "head_dim": hd,
          "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "max_position_embeddings": 64, "tie_word_embeddings": False,
          "hidden_act": "silu", "torch_dtype": "float32"}
adapter = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": R, "lora_alpha": 8.0, "lora_dropout": 0.0,
           "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"], "bias": "none", "inference_mode": True}
ckpt = os.path.join(base, "ckpt")
os.makedirs(ckpt, exist_ok=True)
files = {"config.json": json.dumps(config, indent=2).encode(), "model.safetensors": safetensors(base_tensors()),
         "adapter_config.json": json.dumps(adapter, indent=2).encode(), "adapter_model.safetensors": safetensors(adapter_tensors())}
for name, data in files.items():
    open(os.path.join(ckpt, name), "wb").write(data)
open(os.path.join(base, "test.bin"), "wb").write(struct.pack("<400H", *[rng.randrange(V) for _ in range(400)]))

# The same base weights as a GGUF file (float32) with a byte-level gpt2 tokenizer of 259 ids.
def gguf_parts():
    def string(s): b = s.encode(); return struct.pack("<Q", len(b)) + b
    alphabet, nxt = [], 256
    for b in range(256):
        if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF: alphabet.append(chr(b))
        else: alphabet.append(chr(nxt)); nxt += 1
    tokens = alphabet + ["<s>", "</s>", "<pad>"]
    u32 = lambda v: struct.pack("<I", 4) + struct.pack("<I", v)
    meta = [("general.architecture", struct.pack("<I", 8) + string("llama")), ("llama.embedding_length", u32(D)),
            ("llama.attention.head_count", u32(H)), ("llama.attention.head_count_kv", u32(KV)), ("llama.block_count", u32(L)),
            ("llama.feed_forward_length", u32(F)), ("llama.context_length", u32(64)),
            ("llama.attention.layer_norm_rms_epsilon", struct.pack("<If", 6, 1e-5)), ("llama.rope.freq_base", struct.pack("<If", 6, 10000.0)),
            ("tokenizer.ggml.model", struct.pack("<I", 8) + string("gpt2")),
            ("tokenizer.ggml.tokens", struct.pack("<IIQ", 9, 8, len(tokens)) + b"".join(string(t) for t in tokens)),
            ("tokenizer.ggml.token_type", struct.pack("<IIQ", 9, 5, len(tokens)) + b"".join(struct.pack("<i", 3 if i >= 256 else 1) for i in range(len(tokens)))),
            ("tokenizer.ggml.merges", struct.pack("<IIQ", 9, 8, 0)), ("tokenizer.ggml.bos_token_id", u32(256)), ("tokenizer.ggml.eos_token_id", u32(257))]
    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"}
    short = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    infos, data = [], b""
    for name, shape in base_tensors():
        if name not in names:
            parts = name.split(".")
            name = names[name] = f"blk.{parts[2]}.{short['.'.join(parts[3:-1])]}.weight"
        else:
            name = names[name]
        blob = struct.pack(f"<{len(values(shape))}f", *values(shape))
        infos.append([name, list(reversed(shape)), 0, len(data)])
        data += blob + b"\0" * ((32 - len(blob) % 32) % 32)
    return meta, infos, data
def gguf_bytes(meta, infos, data, version=3, counts=None):
    def string(s): b = s.encode(); return struct.pack("<Q", len(b)) + b
    out = b"GGUF" + struct.pack("<IQQ", version, *(counts or (len(infos), len(meta))))
    for key, value in meta: out += string(key) + value
    for name, dims, kind, offset in infos:
        out += string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", kind, offset)
    return out + b"\0" * ((32 - len(out) % 32) % 32) + data
meta, infos, gdata = gguf_parts()
open(os.path.join(base, "micro.gguf"), "wb").write(gguf_bytes(meta, infos, gdata))

values_pool = [0, -1, 1, 2, 3, 7, 2.5, -0.0, 1e308, -1e308, 1e-320, 9223372036854775807, 9223372036854775808,
               -9223372036854775808, 4294967296, 65536, 576460752303423488, "8", "", "byte", "../x", None, True, False,
               [], {}, [1, 2], {"a": 1}, "NaN"]
huge64 = [0, 1, 3, 8, 2**31, 2**40, 2**62, 2**63, 2**64 - 1, 2**64 - 7]
def json_mutate(obj):
    """A key somewhere in obj set to a value of another type or size, or removed."""
    obj = json.loads(json.dumps(obj))
    paths = []
    def walk(o, path):
        if isinstance(o, dict):
            for k, v in o.items(): paths.append(path + [k]); walk(v, path + [k])
    walk(obj, [])
    path = rng.choice(paths)
    parent = obj
    for k in path[:-1]: parent = parent[k]
    if rng.random() < 0.1: del parent[path[-1]]
    else: parent[path[-1]] = rng.choice(values_pool)
    return json.dumps(obj, indent=2).encode()
def bytes_mutate(data, start=0):
    data = bytearray(data)
    kind = rng.randrange(3)
    if kind == 0:
        for _ in range(rng.randint(1, 8)): data[rng.randrange(start, len(data))] = rng.randrange(256)
    elif kind == 1: data = data[: rng.randrange(len(data))]
    else: data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return bytes(data)
def text_mutate(data):
    text = data.decode()
    i = rng.randrange(len(text) + 1)
    if rng.random() < 0.5: return text[:i].encode()
    return (text[:i] + rng.choice(["\0", "NaN", "Infinity", "1e999", "-", '"', "]", "{", "\ufeff", ",,"]) + text[i:]).encode()

# Corpus cases: a copy of the data folder with test.tokens or manifest.json damaged.
corpus = os.path.join(base, "data", "tiny")
shard = open(os.path.join(corpus, "test.tokens"), "rb").read()
manifest = json.load(open(os.path.join(corpus, "manifest.json")))
for n in range(count):
    case = os.path.join(folder, f"corpus-{n:05d}." + ("shard" if n % 2 == 0 else "manifest"))
    shutil.copytree(os.path.join(base, "data"), os.path.join(case, "data"))
    if n % 2 == 0:
        data, kind = bytearray(shard), rng.randrange(4)
        if kind == 0:
            offset, width = rng.choice([(8, 4), (12, 4), (16, 8), (24, 8)])
            data[offset:offset + width] = (rng.choice(huge64) % 2 ** (8 * width)).to_bytes(width, "little")
        elif kind == 1:
            for _ in range(rng.randint(1, 4)):
                at = 32 + 2 * rng.randrange((len(data) - 32) // 2); data[at:at + 2] = b"\xff\xff"
        else:
            data = bytes_mutate(data)
        open(os.path.join(case, "data", "tiny", "test.tokens"), "wb").write(data)
    else:
        data = json_mutate(manifest) if rng.random() < 0.8 else text_mutate(json.dumps(manifest).encode())
        open(os.path.join(case, "data", "tiny", "manifest.json"), "wb").write(data)

# Checkpoint cases: a copy of the directory with one file damaged (or removed).
st_header_len = struct.unpack("<Q", files["model.safetensors"][:8])[0]
for n in range(count):
    case = os.path.join(folder, f"ckpt-{n:05d}")
    shutil.copytree(ckpt, case)
    name = rng.choice(["config.json", "config.json", "model.safetensors", "model.safetensors", "model.safetensors",
                       "adapter_config.json", "adapter_model.safetensors"])
    data = files[name]
    if name.endswith(".json"):
        data = json_mutate(json.loads(data)) if rng.random() < 0.8 else text_mutate(data)
    else:
        kind = rng.randrange(5)
        length = struct.unpack("<Q", data[:8])[0]
        if kind == 0:
            data = struct.pack("<Q", rng.choice(huge64 + [length - 1, length + 8])) + data[8:]
        elif kind == 1:  # a tensor entry's field of another type or size
            header = json.loads(data[8:8 + length])
            tensor = rng.choice(sorted(k for k in header if k != "__metadata__"))
            field = rng.choice(["dtype", "shape", "data_offsets"])
            header[tensor][field] = rng.choice(values_pool + [[2**62], [-1, 32], [0, 2**62], [8, 4], "F64", "BF16", "I8"])
            text = json.dumps(header).encode(); text += b" " * ((8 - len(text) % 8) % 8)
            data = struct.pack("<Q", len(text)) + text + data[8 + length:]
        elif kind == 2:  # a NaN or an infinity in the weights
            at = 8 + length + 4 * rng.randrange((len(data) - 8 - length) // 4)
            data = data[:at] + rng.choice([b"\x00\x00\xc0\x7f", b"\x00\x00\x80\x7f", b"\x00\x00\x80\xff"]) + data[at + 4:]
        else:
            data = bytes_mutate(data)
    if rng.random() < 0.05: os.remove(os.path.join(case, name))
    else: open(os.path.join(case, name), "wb").write(data)

# GGUF cases: header counts, metadata values, tensor fields, bytes, truncation, NaN.
for n in range(count):
    m, t, d = [list(x) for x in meta], [list(x) for x in infos], bytearray(gdata)
    version, counts, kind = 3, None, rng.randrange(7)
    if kind == 0:
        version = rng.choice([0, 1, 2, 4, 2**32 - 1]) if rng.random() < 0.3 else 3
        counts = (rng.choice(huge64 + [len(t) + 1, len(t) - 1]) % 2**64, len(m)) if rng.random() < 0.5 else (len(t), rng.choice(huge64 + [len(m) + 1]) % 2**64)
    elif kind == 1:
        i = rng.randrange(len(m))
        m[i][1] = rng.choice([struct.pack("<II", 4, v % 2**32) for v in huge64] + [struct.pack("<Ii", 5, -1), struct.pack("<If", 6, float("nan")),
                              struct.pack("<If", 6, -1.0), struct.pack("<IB", 7, 2), struct.pack("<IQ", 10, 2**64 - 1), struct.pack("<I", 13),
                              struct.pack("<IQ", 8, 2**62), struct.pack("<IIQ", 9, 9, 2**40)])
    elif kind == 2:
        i = rng.randrange(len(t)); j = rng.randrange(len(t[i][1]))
        t[i][1][j] = rng.choice(huge64 + [t[i][1][j] + 1]) % 2**64
    elif kind == 3:
        i = rng.randrange(len(t))
        if rng.random() < 0.5: t[i][2] = rng.choice([1, 2, 7, 99, 2**32 - 1])
        else: t[i][3] = rng.choice(huge64 + [t[i][3] + 4, t[i][3] + 32]) % 2**64
    elif kind == 4:
        at = 4 * rng.randrange(len(d) // 4); d[at:at + 4] = rng.choice([b"\x00\x00\xc0\x7f", b"\x00\x00\x80\x7f"])
    data = gguf_bytes(m, t, bytes(d), version, counts)
    if kind == 5: data = bytes_mutate(data)
    if kind == 6: data = data[: rng.randrange(len(data))]
    open(os.path.join(folder, f"model-{n:05d}.gguf"), "wb").write(data)
PY

total=0; clear=0; accepted=0; silent=0; crashes=0; hangs=0
failed=0
# Runs one case: "$@" is the command line after the binary.
attempt() {
    local name=$1; shift
    total=$((total + 1))
    local status=0
    timeout -s KILL "$limit" "$bin" "$@" >/dev/null 2>"$out/stderr" </dev/null || status=$?
    case $status in
        0) accepted=$((accepted + 1)); return ;;
        1|2) if [ -s "$out/stderr" ]; then clear=$((clear + 1)); return; fi
             silent=$((silent + 1)) ;;
        137) hangs=$((hangs + 1)) ;;
        *) crashes=$((crashes + 1)) ;;
    esac
    { echo "exit $status: $bin $*"; cat "$out/stderr"; } >"$out/failures/$name.txt"
}

# One line of counts per kind of case, then the counters start again.
report() {
    echo "$1: $total cases, $accepted accepted, $clear clear errors (exit 1 or 2 with a message), $silent errors without a message, $crashes crashes, $hangs hangs"
    failed=$((failed + silent + crashes + hangs))
    total=0; clear=0; accepted=0; silent=0; crashes=0; hangs=0
}

echo "seed $seed, ${limit} s per case, $bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "$out"/cases/spec-*.yaml; do
    attempt "$(basename "$spec")" run "$spec" --dry-run --results-dir "$work/results" --data-dir "$work/data"
done
report "mutated specs (run --dry-run)"
for args in "$out"/cases/set-*.args; do
    sets=()
    while IFS= read -r line; do sets+=(--set "$line"); done <"$args"
    attempt "$(basename "$args")" run experiments/regression-micro.yaml --dry-run --results-dir "$work/results" --data-dir "$work/data" "${sets[@]}"
done
report "--set overrides (run --dry-run)"
for kind in damaged headless; do
    for file in "$out"/cases/result-*."$kind".h5; do
        name=$(basename "$file")
        attempt "$name.status" status "$file"
        attempt "$name.table" table "$file"
        attempt "$name.export" export "$file"
        attempt "$name.check" check "$file" --baseline results/baselines/regression-micro.h5
        attempt "$name.plot" plot "$file" --out "$work/plots"
    done
    report "$kind result files (status, table, export, check, plot)"
done
# The undamaged inputs must evaluate, or every case below would be a clear error for nothing.
evaluation=(--length 32 --max-windows 2 --threads 1 --quiet)
"$bin" eval "$out/base/ckpt" --data tiny:test --data-dir "$out/base/data" "${evaluation[@]}" >/dev/null 2>"$out/stderr" \
    && "$bin" eval "$out/base/micro.gguf" --data "$out/base/test.bin" "${evaluation[@]}" >/dev/null 2>"$out/stderr" \
    || { cat "$out/stderr" >&2; exit 2; }
for dir in "$out"/cases/corpus-*; do
    name=$(basename "$dir")
    attempt "$name.eval" eval "$out/base/ckpt" --data tiny:test --data-dir "$dir/data" "${evaluation[@]}"
    case $name in
        *.shard) attempt "$name.eval-shard" eval "$out/base/ckpt" --data "$dir/data/tiny/test.tokens" "${evaluation[@]}" ;;
    esac
done
report "damaged corpora: test.tokens or manifest.json (eval --data tiny:test, eval --data test.tokens)"
for dir in "$out"/cases/ckpt-*; do
    attempt "$(basename "$dir").eval" eval "$dir" --data "$out/base/test.bin" "${evaluation[@]}"
done
report "damaged checkpoint directories: config.json, model.safetensors, adapter files (eval)"
for file in "$out"/cases/model-*.gguf; do
    name=$(basename "$file")
    attempt "$name.eval" eval "$file" --data "$out/base/test.bin" "${evaluation[@]}"
    attempt "$name.flops" flops --model "$file" --context 64
done
report "damaged GGUF files (eval, flops)"
echo "failing cases: $out/failures"
[ "$failed" -eq 0 ]
