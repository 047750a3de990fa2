#!/usr/bin/env bash
# Regenerates the regression baseline results/baselines/regression-micro.h5 from the
# current sources: a release build, then experiments/regression-micro.yaml in a fresh
# temporary folder (corpus, base model and checkpoints built from scratch, as the test
# that checks against it does). Prints what moved against the old baseline, then
# replaces it. Run it after a change that is meant to move the sweep's metrics, and
# commit the new baseline with that change.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product longlora
bin=.build/release/longlora
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The corpus is built in its own process so that the sweep's peak RSS is the sweep's.
"$bin" data build --corpus pg19-mini --data-dir "$tmp/data" --quiet
"$bin" run experiments/regression-micro.yaml --results-dir "$tmp/results" --data-dir "$tmp/data" --no-plots --quiet
new="$tmp/results/regression-micro.h5"

baseline=results/baselines/regression-micro.h5
if [ -f "$baseline" ]; then
    echo "refresh-baseline: against the old baseline:"
    "$bin" check "$new" --baseline "$baseline" || true
fi
mkdir -p "$(dirname "$baseline")"
cp "$new" "$baseline.tmp"
mv "$baseline.tmp" "$baseline"
echo "refresh-baseline: wrote $baseline"
