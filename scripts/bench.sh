#!/usr/bin/env bash
# Runs the criterion benchmarks and writes BENCHMARKS.md (medians, ratios, targets, machine,
# date, command) from their results. Usage: scripts/bench.sh [extra criterion args]
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="cargo bench --bench validate${*:+ -- $*}"
echo "+ $cmd" >&2
cargo bench --bench validate -- "$@"
cargo run --quiet --release --example bench_table -- --out BENCHMARKS.md --command "$cmd"
