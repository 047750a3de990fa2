#!/usr/bin/env bash
# A long fuzz campaign against the release binary: mutated specs (`run --dry-run`), extreme
# `--set` overrides (`run --dry-run`), and corrupted result files (`status`, `table`,
# `export`, `check`, `plot`: the committed baseline with bytes overwritten or cut short,
# which its seal catches, or with its seal's 512 bytes cut, which leaves an unsealed HDF5
# file that the command line reads in a child process first), each case under a time limit. Every case must end with exit
# 0, 1 or 2; exit 1 or 2 must come with a message on stderr. Anything else is counted:
# a signal or the internal-error exit 70 is a crash, a case killed at the time limit a hang.
#
#   scripts/fuzz.sh [CASES_PER_KIND] [SEED]       (defaults: 1000, 1)
#
# LONGLORA (default .build/release/longlora) picks the binary, TIMEOUT (default 20) the
# seconds per case. Failing cases are kept in $OUT (default a fresh temporary folder) with
# their command line and stderr. The in-process fuzz test (SpecFuzzTests) is its small,
# fixed-seed sibling.
set -euo pipefail
cd "$(dirname "$0")/.."

cases=${1:-1000}
seed=${2:-1}
bin=${LONGLORA:-.build/release/longlora}
limit=${TIMEOUT:-20}
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
echo "failing cases: $out/failures"
[ "$failed" -eq 0 ]
