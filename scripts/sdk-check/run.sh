#!/usr/bin/env bash
# Stripe's own SDKs against `token-validate serve --mock`: installs the pinned Python
# `stripe` and Node `stripe` packages into a temporary folder, starts the mock on a free
# loopback port, runs check.py and check.mjs (every token kind and the usual errors,
# checked on the SDKs' own objects; at each SDK's own API version, card[zip] and a
# top-level amount are parameter_unknown and account[company][physical_address] makes a
# token), stops the mock with SIGTERM and checks its log (one line per request, no
# secret). Exit status 0 when everything passed.
#
#   scripts/sdk-check/run.sh        # needs cargo, python3 with pip, node with npm
set -euo pipefail
cd "$(dirname "$0")/../.."

PY_STRIPE=16.1.0   # pip: stripe==16.1.0 (sends Stripe-Version 2026-10-28.endive)
NODE_STRIPE=23.2.0 # npm: stripe@23.2.0 (sends Stripe-Version 2026-11-18.endive)

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build -q -p token-validate --features cli --bin token-validate
bin=target/debug/token-validate

echo "== installing stripe==$PY_STRIPE (pip) and stripe@$NODE_STRIPE (npm) into a temporary folder"
PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check \
  --target "$work/py" "stripe==$PY_STRIPE"
npm install --silent --no-audit --no-fund --prefix "$work/node" "stripe@$NODE_STRIPE" > /dev/null

"$bin" serve --mock --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.log" &
server_pid=$!
for _ in $(seq 1 200); do
  grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break
  sleep 0.05
done
base=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$base" ] || { echo "serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
bundled=$(python3 -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/healthz"))["api_version"])' "$base")
echo "== serve --mock on $base (spec $bundled)"

status=0
echo "== Python"
BASE_URL="$base" BUNDLED_VERSION="$bundled" PYTHONPATH="$work/py" python3 scripts/sdk-check/check.py || status=1
echo "== Node"
BASE_URL="$base" BUNDLED_VERSION="$bundled" SDK_NODE_DIR="$work/node" node scripts/sdk-check/check.mjs || status=1

kill -TERM "$server_pid"
if ! wait "$server_pid"; then echo "serve did not stop cleanly on SIGTERM" >&2; status=1; fi
server_pid=""
requests=$(grep -c ' /v1/tokens ' "$work/serve.log" || true)
if grep -E '4242424242424242|4242424242424241|000123456789|000000000|sk_test_4eC39|pk_test_TYoo' "$work/serve.log"; then
  echo "a secret reached the log" >&2
  status=1
fi
echo "== serve logged $requests /v1/tokens requests, no secret in the log"
exit $status
