#!/usr/bin/env bash
# Runs the criterion benchmarks and writes BENCHMARKS.md (medians, ratios, issue 20's targets,
# machine, date, command) from their results, with the callgrind instruction counts of the same
# calls on the same bodies beside them (scripts/instructions.sh; skipped without valgrind).
# Usage: scripts/bench.sh [extra criterion args]
#   e.g. scripts/bench.sh --measurement-time 1 --warm-up-time 1   (a quick check of the script)
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="cargo bench --bench validate${*:+ -- $*}"
echo "+ $cmd" >&2
cargo bench --bench validate -- "$@"
counts=target/bench-instructions.md
if command -v valgrind > /dev/null; then
    # The profile case of every row of the table (examples/bench_table.rs knows which).
    # shellcheck disable=SC2046
    scripts/instructions.sh $(cargo run --quiet --release --example bench_table -- --cases) \
        > "$counts"
else
    echo "valgrind not found: no instruction counts" >&2
    : > "$counts"
fi
cargo run --quiet --release --example bench_table -- --out BENCHMARKS.md --command "$cmd" \
    --instructions "$counts"
