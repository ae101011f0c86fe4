#!/usr/bin/env bash
# One fuzz campaign on one target: form, json, brackets, roundtrip or serve.
#
#   fuzz/campaign.sh TARGET [RUNS [LIBFUZZER_ARGS...]]   # RUNS executions, 10^7 by default
#
# New inputs go to a work corpus ($FUZZ_WORK/TARGET, /tmp/token-preflight-fuzz by default);
# the committed corpus fuzz/corpus/TARGET is read as seeds and left alone. A failing input
# is written to fuzz/artifacts/TARGET/. FUZZ_SANITIZER=address for an ASan build (about 5
# times slower; the crates have no unsafe code, so the default is none).
set -euo pipefail
target=${1:?usage: fuzz/campaign.sh form|json|brackets|roundtrip|serve [RUNS]}
runs=${2:-10000000}
cd "$(dirname "$0")/.."
work=${FUZZ_WORK:-/tmp/token-preflight-fuzz}/$target
mkdir -p "$work"
args=(-runs="$runs" -max_len=4096 -print_final_stats=1 "${@:3}")
if [ -f "fuzz/dict/$target.dict" ]; then
    args+=(-dict="fuzz/dict/$target.dict")
fi
# cargo-fuzz needs nightly flags (-Z sanitizer, -C passes=sancov): stable 1.95 takes them
# with RUSTC_BOOTSTRAP=1.
RUSTC_BOOTSTRAP=1 exec cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" \
    "$target" "$work" "fuzz/corpus/$target" -- "${args[@]}"
