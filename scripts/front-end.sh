#!/usr/bin/env bash
# Why a call can take more time than its instruction count says: per call of each case of
# examples/profile.rs (the difference of 3000 and 1000 calls over 2000, as
# scripts/instructions.sh), the instructions; how many distinct instructions run on every
# call and the code they sit in (64-byte lines: the hot code a call needs in the L1
# instruction cache); the L1 instruction-cache misses cachegrind simulates with this
# machine's geometry; the branches and the mispredictions of cachegrind's simple predictor.
# Deterministic like instructions.sh; the simulated caches and predictor are models, not the
# hardware (there is no `perf stat` on this VM), so read them as a comparison of two cases.
# Usage: scripts/front-end.sh CASE...            (needs valgrind and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- card_json ignored_any person_json ignored_any_person
cargo build -q --release --example profile
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bin=target/release/examples/profile
printf '| case | instructions | distinct instructions | hot code | L1i misses | branches | mispredicted |\n|---|---:|---:|---:|---:|---:|---:|\n'
for c in "$@"; do
  for n in 1000 3000; do
    valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes \
      --cachegrind-out-file="$dir/$c.$n.cg" "$bin" "$c" "$n" > "$dir/$c.$n.txt" 2>&1
    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$dir/$c.$n.cl" \
      "$bin" "$c" "$n" > /dev/null 2>&1
  done
  python3 - "$dir" "$c" <<'EOF'
import re, sys
d, c = sys.argv[1], sys.argv[2]

def totals(n):
    # cachegrind's summary: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
    text = open(f"{d}/{c}.{n}.cg").read()
    events = re.search(r"^events: (.*)$", text, re.M).group(1).split()
    summary = re.search(r"^summary: (.*)$", text, re.M).group(1).split()
    return dict(zip(events, map(int, summary)))

def per_instruction(n):
    # callgrind with --dump-instr=yes: "ADDR LINE COST" with ADDR absolute (0x...),
    # relative (+N, -N) or the same (*); a cost line after calls= is the call's inclusive
    # cost, not the instruction's own.
    cost, last, after_call = {}, 0, False
    for line in open(f"{d}/{c}.{n}.cl"):
        if line.startswith("calls="):
            after_call = True
            continue
        m = re.match(r"^(0x[0-9a-f]+|[+-]\d+|\*)\s+\S+\s+(\d+)", line)
        if not m:
            continue
        a = m.group(1)
        addr = int(a, 16) if a.startswith("0x") else last if a == "*" else last + int(a)
        last = addr
        if not after_call:
            cost[addr] = cost.get(addr, 0) + int(m.group(2))
        after_call = False
    return cost

a, b = totals(1000), totals(3000)
per = lambda k: max(0, b[k] - a[k]) / 2000
ca, cb = per_instruction(1000), per_instruction(3000)
hot = [x for x in cb if cb[x] - ca.get(x, 0) >= 2000]
lines = len({x // 64 for x in hot})
print(f"| {c} | {per('Ir'):.0f} | {len(hot)} | {lines} lines ({lines * 64 / 1024:.1f} KiB) "
      f"| {per('I1mr'):.0f} | {per('Bc') + per('Bi'):.0f} ({per('Bi'):.0f} indirect) "
      f"| {per('Bcm') + per('Bim'):.0f} ({per('Bim'):.0f} indirect) |")
EOF
done
