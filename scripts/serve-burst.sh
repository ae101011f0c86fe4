#!/usr/bin/env bash
# A burst on `token-validate serve --mock`: wrk opens C connections at once (all in the
# first instant) and keeps them busy for D; prints wrk's summary, the latency percentiles
# up to p99.99 (scripts/wrk-tokens.lua), the backlog the listening socket got (`ss`
# Send-Q) and the kernel's listen-queue overflow counters before and after.
# Usage: scripts/serve-burst.sh C [D] [BACKLOG]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
c=${1:?usage: scripts/serve-burst.sh CONNECTIONS [DURATION] [BACKLOG]}
d=${2:-10s}
backlog=${3:-}
cargo build -q --release -p token-validate --features cli
bin=target/release/token-validate
log=$(mktemp)
args=(serve --mock --listen 127.0.0.1:0 --max-connections 2048)
[ -n "$backlog" ] && args+=(--backlog "$backlog")
"$bin" "${args[@]}" 2>/dev/null >"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do
  addr=$(grep -o 'http://[0-9.:]*' "$log" 2>/dev/null | head -1) || true
  [ -n "${addr:-}" ] && break
  sleep 0.1
done
port=${addr##*:}
echo "server: $addr (pid $pid), $bin ${args[*]}"
echo "listen backlog (ss Send-Q): $(ss -ltnH "sport = :$port" | awk '{print $3}')"
overflows() { nstat -az TcpExtListenOverflows TcpExtListenDrops 2>/dev/null | awk 'NR>1 {printf "%s=%s ", $1, $2}'; }
echo "before: $(overflows)"
echo "wrk -t2 -c$c -d$d --latency -s scripts/wrk-tokens.lua $addr"
wrk -t2 -c"$c" -d"$d" --latency -s scripts/wrk-tokens.lua "$addr"
echo "after: $(overflows)"
echo "server peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
