#!/usr/bin/env bash
# Regenerates every result of "Reproducing the paper" (README): runs each experiment spec
# (results/<name>.h5, plots/<name>-*), writes its tables as Markdown (results/<name>.md),
# and times each step into results/reproduce-times.md. Resumable: rerunning skips complete
# runs and resumes interrupted fine-tunes from their checkpoints.
#
#   bash scripts/reproduce.sh [--threads N]      (default: 2 threads)
#
# The order matters only for speed: the miniature's ladder runs first, since its
# constant-rate bases carry on one another from the shortest and the middle one is every
# paper spec's base; specs that share a fine-tuned checkpoint (same data, model, base and
# finetune keys) reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2
if [ "${1:-}" = "--threads" ]; then threads="$2"; fi
bin=${LONGLORA:-.build/release/longlora}
[ -x "$bin" ] || { echo "reproduce: $bin not found; run: bash scripts/setup.sh" >&2; exit 2; }

specs=(quickstart miniature-ladder miniature-s2 miniature-criteria
       table1-attention table-group-size table2-trainable table-main-ppl fig-steps fig-passkey table-patterns
       fig1-efficiency table-flops real-smollm2)
times=$(mktemp)
printf '| step | wall time (s) |\n|---|---:|\n' > "$times"
total_start=$(date +%s)
for spec in "${specs[@]}"; do
    start=$(date +%s)
    echo "reproduce: $spec"
    "$bin" run "experiments/$spec.yaml" --threads "$threads" --quiet
    tmp="results/.$spec.md.tmp"
    "$bin" table "results/$spec.h5" --format md > "$tmp" && mv "$tmp" "results/$spec.md"
    # The miniature's S2 transfer ratio per seed (docs/miniature.md): a table and a figure.
    by=""
    case "$spec" in
        miniature-ladder) by=base.steps; xlabel="base pretraining steps" ;;
        miniature-s2) by=finetune.optimizer.lr; xlabel="fine-tuning learning rate" ;;
    esac
    if [ -n "$by" ]; then
        "$bin" export "results/$spec.h5" --format csv \
            | python3 scripts/miniature/transfer_ratio.py --by "$by" --name "$spec" --xlabel "$xlabel" > /dev/null
    fi
    printf '| %s | %d |\n' "$spec" $(( $(date +%s) - start )) >> "$times"
done
start=$(date +%s)
echo "reproduce: bench"
"$bin" bench --threads "$threads" --out results/bench.h5
printf '| bench | %d |\n' $(( $(date +%s) - start )) >> "$times"
printf '| **total** | %d |\n' $(( $(date +%s) - total_start )) >> "$times"
{ echo "Wall time of \`bash scripts/reproduce.sh --threads $threads\` on $(nproc) cores ($(uname -m)), commit $(git rev-parse --short HEAD)."; echo; cat "$times"; } > results/.reproduce-times.md.tmp
mv results/.reproduce-times.md.tmp results/reproduce-times.md
rm -f "$times"
echo "reproduce: done in $(( $(date +%s) - total_start )) s; see results/*.md and plots/"
