#!/usr/bin/env bash
# Load on `token-validate serve --mock` over loopback with oha (`cargo install oha --locked`):
# N requests (default 100000) at concurrency C (default 50), a valid card token and an
# invalid one (Luhn), each; prints oha's summary (requests/s, latency percentiles, status
# codes) and the server's peak RSS. Usage: scripts/serve-load.sh [N] [C]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
c=${2:-50}
cargo build -q --release -p token-validate --features cli
bin=target/release/token-validate
log=$(mktemp)
"$bin" serve --mock --listen 127.0.0.1:0 --log-format json 2>"$log" >"$log.out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log" "$log.out"' EXIT
for _ in $(seq 50); do
  addr=$(grep -o 'http://[0-9.:]*' "$log.out" "$log" 2>/dev/null | head -1 | sed 's/.*http/http/') || true
  [ -n "${addr:-}" ] && break
  sleep 0.1
done
echo "server: $addr (pid $pid)"
key="Authorization: Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc"
ct="Content-Type: application/x-www-form-urlencoded"
# The expiry five years from today (UTC, as serve counts), so the valid body stays valid.
year=$(( $(date -u +%Y) + 5 ))
valid="card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=$year&card[cvc]=123"
invalid="card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=$year&card[cvc]=123"
for which in valid invalid; do
  body=${!which}
  echo "== $which card token: $n requests, concurrency $c"
  oha --no-tui -n "$n" -c "$c" -m POST -H "$key" -H "$ct" -d "$body" "$addr/v1/tokens" |
    grep -E 'Success rate|Total:|Requests/sec|Slowest|Fastest|Average|50.00%|90.00%|99.00%|99.90%|\[[0-9]{3}\] [0-9]+ responses'
done
echo "server peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
