#!/usr/bin/env bash
# Counts the instructions of one training step of `longlora bench` under valgrind's
# callgrind: a number that does not move with the load of a shared machine (two counts of
# the same row agree to about 20 parts per million), for before/after comparisons of a
# change beside the benchmark's wall times.
#
#   bash scripts/count-instructions.sh [--bin PATH] [--keep DIR] [bench row options...]
#
# The row options are `longlora bench`'s, one length and one pattern (default: --lengths
# 256 --tokens-per-step 256 --patterns full); the step runs on one thread. The row runs
# twice, with one and with two timed steps after the warm-up, counting only inside the
# trainer's step, and the difference is printed: one step after the warm-up. --keep DIR
# keeps both callgrind.out files for callgrind_annotate. Callgrind runs OpenBLAS's kernels
# a few hundred times slower than the CPU: the default row takes about 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/longlora
keep=""
row=()
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        *) row+=("$1"); shift ;;
    esac
done
[ ${#row[@]} -gt 0 ] || row=(--lengths 256 --tokens-per-step 256 --patterns full)
[ -x "$bin" ] || { echo "count-instructions: $bin not found; run: swift build -c release" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "count-instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Valgrind 3.19 cannot read the DWARF 5 debug information Swift's compiler writes, and gives
# up: a copy without it keeps the symbol table, which is all callgrind needs for names.
objcopy --strip-debug "$bin" "$work/longlora"
count() {
    # OpenBLAS's Haswell kernels on every CPU: counts compare across machines, valgrind 3.19
    # runs no AVX-512, and with the variable set longlora does not re-execute itself to pick
    # kernels (the re-executed child would run outside callgrind). --row-peak skips the
    # machine's sgemm peak, and --sgemm-size 64 keeps the row's own re-measured peak short.
    # Only instructions inside the trainer's step count (--toggle-collect): the row's timing
    # loops (its re-measured sgemm peak) run for a wall time, so their counts vary with load.
    OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.$1" \
        --toggle-collect='*TrainerC9trainStep*' \
        "$work/longlora" bench --row-peak 1 --threads 1 --sgemm-size 64 --steps "$1" "${row[@]}" \
        > "$work/row.$1.json" 2> "$work/valgrind.$1.log" \
        || { cat "$work/valgrind.$1.log" >&2; echo "count-instructions: the row failed under callgrind" >&2; exit 1; }
    sed -n 's/^==[0-9]*== Collected : //p' "$work/valgrind.$1.log"
}
one=$(count 1)
two=$(count 2)
[ -n "$one" ] && [ -n "$two" ] || { echo "count-instructions: callgrind reported no count" >&2; exit 1; }
if [ "$one" -eq 0 ] || [ "$two" -le "$one" ]; then
    echo "count-instructions: nothing counted inside the trainer's step ($one, then $two):" \
         "was Trainer.trainStep renamed? (the --toggle-collect pattern)" >&2
    exit 1
fi
if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$work"/callgrind.out.* "$keep"/; fi
echo "instructions per step: $(( two - one )) (row: ${row[*]}; 1 thread; $one with one timed step, $two with two)"
