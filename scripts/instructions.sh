#!/usr/bin/env bash
# Instructions per call of each case of examples/profile.rs, counted by callgrind: the
# difference between 3000 and 1000 calls, divided by 2000, so that start-up (loading the
# spec on the first call) cancels out. Deterministic, unlike timings on a shared VM.
# Usage: scripts/instructions.sh [case ...]   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --example profile
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(card_json card_json_typed ignored_any serde_floor card_form card_form_typed form_floor invalid invalid_typed scan_card_json skip_card_json scan_person_json ignored_any_person scan_card_form)
refs() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/profile "$1" "$2" 2>&1 |
    awk '/refs:/ {gsub(",", "", $NF); print $NF}'
}
printf '| case | instructions per call |\n|---|---:|\n'
for c in "${cases[@]}"; do
  a=$(refs "$c" 1000)
  b=$(refs "$c" 3000)
  printf '| %s | %d |\n' "$c" $(((b - a) / 2000))
done
