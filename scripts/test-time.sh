#!/usr/bin/env bash
# How long the README's test command takes: from a fresh clone of the committed HEAD, with
# an empty target directory (cold: every crate built), then again with nothing changed
# (warm). The crates must already be downloaded (cargo runs --offline, as the README's
# figure assumes). Prints the figures the README quotes: the two wall-clock times and how
# many crates the cold run compiled (cargo's own "Compiling" lines; trybuild's compile-fail
# cases and the external crate build inside the test run, their crates not counted).
# Usage: scripts/test-time.sh   (takes minutes; run it on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q --no-hardlinks . "$dir/clone"
cd "$dir/clone"
export CARGO_TERM_COLOR=never CARGO_TARGET_DIR="$dir/clone/target"

run() {
  local start end
  start=$(date +%s.%N)
  cargo test --offline --workspace --all-features > "$dir/$1.log" 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { t = e - s; printf "%dm%02ds", t / 60, t % 60 }'
}

cold=$(run cold)
crates=$(grep -c '^ *Compiling ' "$dir/cold.log" || true)
warm=$(run warm)
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "cold (fresh clone, empty target): $cold, $crates crates compiled"
echo "warm (nothing changed):           $warm"
