#!/usr/bin/env bash
# Instructions per byte of the growth benchmark's bodies (benches/shared/growth.rs), counted
# by callgrind: the difference between 3 and 1 calls of check_*_with on the body, divided by
# 2 and by its size, so that start-up cancels out. Deterministic, unlike timings on a shared
# machine: flat figures from 1 KiB up mean linear time.
# Usage: scripts/growth-instructions.sh [SHAPE [KIB ...]]   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
shape=${1:-json_empty_objects}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 8 64 512 2048)
cargo build -q --release --example profile
refs() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/profile "growth:$shape:$1" "$2" 2>&1 |
    awk '/refs:/ {gsub(",", "", $NF); print $NF}'
}
bytes() {
  target/release/examples/profile "growth:$shape:$1" 0 | awk '{print $2}'
}
printf '| %s | bytes | instructions per call | per byte |\n|---|---:|---:|---:|\n' "$shape"
for kib in "${sizes[@]}"; do
  a=$(refs "$kib" 1)
  b=$(refs "$kib" 3)
  n=$(bytes "$kib")
  per_call=$(((b - a) / 2))
  printf '| %s KiB | %d | %d | %s |\n' "$kib" "$n" "$per_call" "$(awk -v c="$per_call" -v n="$n" 'BEGIN {printf "%.1f", c / n}')"
done
