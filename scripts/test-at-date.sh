#!/usr/bin/env bash
# Runs the test suite with the clock at another date (default 2045-01-01), to show that no
# test, doctest or example depends on the day it runs:
#
#   scripts/test-at-date.sh                      # cargo test --workspace --all-features, in 2045
#   scripts/test-at-date.sh 2050-12-31 -p token-validate --test cli
#
# The clock is libfaketime's (Debian: `apt-get install faketime`), put only on what the tests
# run: the test binaries and doctests (cargo's target runner) and every process they start
# (the `token-validate` binary, a server). rustc and rustdoc are left on the real clock: they
# hang under libfaketime (seen with rustc 1.95), and the compile-fail and external-crate
# tests start them through cargo. The date is where the clock starts; it runs on from there.
set -euo pipefail
cd "$(dirname "$0")/.."

date=${1:-2045-01-01}
[ $# -gt 0 ] && shift
lib=$(find /usr/lib /usr/local/lib -name 'libfaketime.so.1' -path '*faketime*' 2>/dev/null | head -1)
if [ -z "$lib" ]; then
  echo "libfaketime not found: apt-get install faketime" >&2
  exit 2
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for tool in rustc rustdoc; do
  real=$(rustup which "$tool" 2>/dev/null || command -v "$tool")
  printf '#!/bin/sh\nunset LD_PRELOAD FAKETIME\nexec %q "$@"\n' "$real" > "$dir/$tool"
  chmod +x "$dir/$tool"
done
cat > "$dir/run" <<EOF
#!/bin/sh
export LD_PRELOAD=$lib FAKETIME='@$date 00:00:00' RUSTC=$dir/rustc RUSTDOC=$dir/rustdoc
exec "\$@"
EOF
chmod +x "$dir/run"

triple=$(rustc -vV | sed -n 's/^host: //p' | tr 'a-z-' 'A-Z_')
echo "== cargo test with the clock at $date ($lib)"
export "CARGO_TARGET_${triple}_RUNNER=$dir/run"
if [ $# -eq 0 ]; then
  set -- --workspace --all-features
fi
cargo test "$@"
