#!/usr/bin/env bash
# Regenerates every result of "Reproducing the paper" (README): runs each experiment spec
# (results/<name>.h5, plots/<name>-*), writes its tables as Markdown (results/<name>.md),
# and times the whole into results/reproduce-times.md. Resumable: rerunning skips complete
# runs and resumes interrupted fine-tunes from their checkpoints.
#
#   bash scripts/reproduce.sh [--threads N] [--real-model]
#
# --threads: workers (default 2). --real-model also runs experiments/real-smollm2.yaml
# (README "A real model"; about half an hour more on 2 cores, and the GGUF file that
# scripts/setup.sh links into models/) and, after the benchmark, SmolLM2-135M's shape
# against PyTorch at 2048 and 4096 tokens (results/bench-smollm2-torch.h5, about 20
# minutes) and alone at 8192 (results/bench-smollm2-long.h5, its memory; about 5 minutes).
#
# N single-thread workers walk the specs in order (a small model trains faster on N
# processes of one thread than on one process of N threads); a run claimed by one is
# skipped by the others (`longlora run` claims), and a worker that finds a spec's runs all
# taken moves on to the next. Then one pass writes each spec's figures and tables.
# The order matters only for speed: the miniature's ladder comes first, since its
# constant-rate bases carry on one another from the shortest and the middle one is every
# paper spec's base; specs that share a fine-tuned checkpoint (same data, model, base and
# finetune keys) reuse it. The benchmark runs last, alone, on N threads (results/bench.h5),
# then its comparison with PyTorch at 1024 and 4096 tokens (results/bench-torch.h5).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2
real_model=0
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads="$2"; shift 2 ;;
        --real-model) real_model=1; shift ;;
        *) echo "reproduce: unknown option '$1' (expected --threads N or --real-model)" >&2; exit 2 ;;
    esac
done
bin=${LONGLORA:-.build/release/longlora}
[ -x "$bin" ] || { echo "reproduce: $bin not found; run: bash scripts/setup.sh" >&2; exit 2; }

specs=(quickstart miniature-ladder miniature-s2 miniature-criteria
       table1-attention table-group-size table2-trainable table-main-ppl fig-steps fig-passkey table-patterns
       fig1-efficiency table-flops)
if [ $real_model = 1 ]; then specs+=(real-smollm2); fi
total_start=$(date +%s)
logs=$(mktemp -d)
worker() {
    for spec in "${specs[@]}"; do
        "$bin" run "experiments/$spec.yaml" --threads 1 --no-plots --quiet >> "$logs/worker-$1.log" 2>&1 \
            || { echo "reproduce: worker $1: $spec failed; see $logs/worker-$1.log" >&2; return 1; }
        # A spec is done when the last worker leaves it (the others may still run its runs).
        echo "$spec $(date +%s)" >> "$logs/finished"
    done
}
pids=()
for w in $(seq 1 "$threads"); do
    worker "$w" & pids+=($!)
    # The first worker claims the first base before the next one looks.
    if [ "$w" -lt "$threads" ]; then sleep 20; fi
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ $failed -eq 0 ] || exit 1
runs_done=$(date +%s)
echo "reproduce: every run done in $(( runs_done - total_start )) s; figures and tables"
for spec in "${specs[@]}"; do
    # Every run is complete: this draws the figures and assembles nothing new.
    "$bin" run "experiments/$spec.yaml" --threads 1 --quiet
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
done
outputs_done=$(date +%s)
"$bin" bench --threads "$threads" --steps 5 --out results/bench.h5
bench_done=$(date +%s)
# The PyTorch peer of the README's comparison table, from the pinned virtualenv setup.sh
# makes. bench checks the peer itself and names what is missing; a failure here skips the
# comparison (and says so) rather than failing the whole reproduction.
if ! "$bin" bench --threads "$threads" --lengths 1024,4096 --compare-torch --out results/bench-torch.h5; then
    echo "reproduce: the comparison with PyTorch failed (its error is above; bash scripts/setup.sh" \
         "makes .venv-hf); results/bench-torch.h5 not remade" >&2
fi
# SmolLM2-135M: the GGUF file setup.sh links (experiments/real-smollm2.yaml names it too).
smollm2=models/SmolLM2-135M-Instruct.Q4_1.gguf
if [ $real_model = 1 ] && ! "$bin" bench --model "$smollm2" --threads "$threads" \
        --lengths 2048,4096 --patterns full,s2 --steps 1 --tokenizer-bytes 1024 --compare-torch \
        --out results/bench-smollm2-torch.h5; then
    echo "reproduce: SmolLM2-135M's comparison with PyTorch failed (its error is above);" \
         "results/bench-smollm2-torch.h5 not remade" >&2
fi
# Its memory at 8192 tokens (one sequence; PyTorch's peer is not timed here). The
# comparison above already measures 4096, so it is not run twice.
if [ $real_model = 1 ] && ! "$bin" bench --model "$smollm2" --threads "$threads" \
        --lengths 8192 --patterns full,s2 --steps 1 --tokenizer-bytes 1024 \
        --out results/bench-smollm2-long.h5; then
    echo "reproduce: SmolLM2-135M's long-context benchmark failed (its error is above; it needs" \
         "about 10 GB of memory at 8192); results/bench-smollm2-long.h5 not remade" >&2
fi
end=$(date +%s)
{
    echo "Wall time of \`bash scripts/reproduce.sh --threads $threads\` on $(nproc) cores ($(uname -m)), commit $(git rev-parse --short HEAD)."
    echo
    echo "| step | wall time (s) |"
    echo "|---|---:|"
    # Runs complete before this invocation are skipped, not timed: count what it ran.
    completed=$(cat "$logs"/worker-*.log | awk '$3 == "completed," { n += $2 } END { print n + 0 }')
    echo "| every run of every spec ($threads workers; $completed runs completed here, the rest found complete) | $(( runs_done - total_start )) |"
    echo "| figures and tables | $(( outputs_done - runs_done )) |"
    echo "| bench | $(( bench_done - outputs_done )) |"
    echo "| bench against PyTorch (and SmolLM2-135M's shape with --real-model) | $(( end - bench_done )) |"
    echo "| **total** | $(( end - total_start )) |"
    echo
    echo "When the last worker left each spec, counted from the start (the workers share a"
    echo "spec's runs and move on when its last ones are taken, so neighbouring specs overlap):"
    echo
    echo "| spec | done after (s) |"
    echo "|---|---:|"
    for spec in "${specs[@]}"; do
        echo "| $spec | $(( $(awk -v s="$spec" '$1 == s && $2 > t { t = $2 } END { print t + 0 }' "$logs/finished") - total_start )) |"
    done
} > results/.reproduce-times.md.tmp
mv results/.reproduce-times.md.tmp results/reproduce-times.md
rm -rf "$logs"
echo "reproduce: done in $(( end - total_start )) s; see results/*.md and plots/"
