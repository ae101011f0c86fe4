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
    scripts/instructions.sh card_json card_json_typed serde_floor ignored_any person_json \
        person_json_typed serde_floor_person ignored_any_person card_form card_form_typed \
        form_floor invalid invalid_typed > "$counts"
else
    echo "valgrind not found: no instruction counts" >&2
    : > "$counts"
fi
cargo run --quiet --release --example bench_table -- --out BENCHMARKS.md --command "$cmd" \
    --instructions "$counts"
