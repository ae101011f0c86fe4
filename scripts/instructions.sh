#!/usr/bin/env bash
# Instructions per call of each case of examples/profile.rs, counted by callgrind: the
# difference between 3000 and 1000 calls, divided by 2000, so that start-up (loading the
# spec on the first call) cancels out. Deterministic, unlike timings on a shared VM.
# Usage: scripts/instructions.sh [case ...]        (needs valgrind)
#        scripts/instructions.sh --functions CASE [N]
# The second form prints where one case's instructions go: the N functions (default 12)
# with the most instructions of their own per call (callgrind's self cost, the same
# difference of 3000 and 1000 calls), with their share of the call.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --example profile
if [ "${1:-}" = "--functions" ]; then
  case_=${2:?--functions needs a case}
  top=${3:-12}
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  for n in 1000 3000; do
    valgrind --tool=callgrind --callgrind-out-file="$dir/$n.out" \
      target/release/examples/profile "$case_" "$n" > /dev/null 2>&1
    callgrind_annotate --threshold=100 "$dir/$n.out" 2>/dev/null |
      awk '!/PROGRAM TOTALS/ && match($0, /^ *[0-9,]+ \( *[0-9.]+%\) +/) { ir = $1; gsub(",", "", ir); f = substr($0, RLENGTH + 1); sub(/ \[[^]]*\]$/, "", f); print ir "\t" f }' \
      > "$dir/$n.tsv"
  done
  total=$(awk -F'\t' 'NR == FNR { a[$2] = $1; next } { d = $1 - a[$2]; if (d > 0) t += d } END { print int(t / 2000) }' "$dir/1000.tsv" "$dir/3000.tsv")
  printf 'case %s: %d instructions per call\n\n| function (self cost) | instructions per call | share |\n|---|---:|---:|\n' "$case_" "$total"
  awk -F'\t' -v total="$total" 'NR == FNR { a[$2] = $1; next } { d = ($1 - a[$2]) / 2000; if (d >= 1) printf "%d\t%s\t%.0f%%\n", d, $2, 100 * d / total }' \
    "$dir/1000.tsv" "$dir/3000.tsv" | sort -t$'\t' -k1,1nr | head -n "$top" |
    awk -F'\t' '{ f = $2; sub(/^[^:]*:/, "", f); printf "| `%s` | %d | %s |\n", f, $1, $3 }'
  exit 0
fi
cases=("$@")
# By default every case: ours, the floors, the scanners alone and the alternatives.
[ ${#cases[@]} -gt 0 ] || cases=(card_json card_json_typed person_json person_json_typed
  bank_form ignored_any serde_floor serde_floor_person card_form card_form_typed form_floor
  invalid invalid_typed scan_card_json skip_card_json scan_person_json ignored_any_person
  scan_card_form jsonschema jsonschema_person jsonschema_iter_errors garde garde_person
  serde_qs)
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
