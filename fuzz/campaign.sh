#!/usr/bin/env bash
# One fuzz campaign on one target: form, json, brackets, roundtrip, serve, json_differential
# or form_differential.
#
#   fuzz/campaign.sh TARGET [RUNS [LIBFUZZER_ARGS...]]   # RUNS executions, 10^7 by default
#
# New inputs go to a work corpus ($FUZZ_WORK/TARGET, /tmp/token-preflight-fuzz by default);
# the committed corpus fuzz/corpus/TARGET is read as seeds and left alone. A failing input
# is written to fuzz/artifacts/TARGET/. A differential target (X_differential) also reads the
# corpus of X as seeds and uses X's dictionary. FUZZ_SANITIZER=address for an ASan build (about 5
# times slower; the crates have no unsafe code, so the default is none).
set -euo pipefail
target=${1:?usage: fuzz/campaign.sh form|json|brackets|roundtrip|serve|json_differential|form_differential [RUNS]}
runs=${2:-10000000}
cd "$(dirname "$0")/.."
work=${FUZZ_WORK:-/tmp/token-preflight-fuzz}/$target
mkdir -p "$work"
args=(-runs="$runs" -max_len=4096 -print_final_stats=1 "${@:3}")
base=${target%_differential}
seeds=("fuzz/corpus/$target")
if [ "$base" != "$target" ]; then
    mkdir -p "fuzz/corpus/$target"
    seeds+=("fuzz/corpus/$base")
fi
if [ -f "fuzz/dict/$base.dict" ]; then
    args+=(-dict="fuzz/dict/$base.dict")
fi
# cargo-fuzz needs nightly flags (-Z sanitizer, -C passes=sancov): stable 1.95 takes them
# with RUSTC_BOOTSTRAP=1.
RUSTC_BOOTSTRAP=1 exec cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" \
    "$target" "$work" "${seeds[@]}" -- "${args[@]}"
