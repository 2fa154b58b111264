#!/usr/bin/env bash
# launch-ready load, oha and wrk against the same loopback keep-alive endpoint
# (`launch-ready lab --keepalive-port`), one after the other in the same run, with the same
# connection count and duration. Prints requests/s and p50/p95/p99 per tool.
# ROUTE=/delay/10 measures a route that answers after a fixed 10 ms (default: `/`, at once).
#
# Usage: [ROUTE=/delay/MS] benches/load_vs.sh [CONNECTIONS] [SECONDS] [BINARY]
# Needs: wrk (apt-get install wrk), oha (cargo install oha --locked), python3.
set -euo pipefail
C=${1:-50}
D=${2:-10}
BIN=${3:-target/release/launch-ready}
PORT=${PORT:-18099}
URL="http://127.0.0.1:$PORT${ROUTE:-/}"
here=$(cd "$(dirname "$0")" && pwd)

"$BIN" lab --keepalive-port "$PORT" > /dev/null &
lab=$!
trap 'kill $lab 2>/dev/null' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.1
done

echo "$C connections, ${D} s, $URL"
"$BIN" load "$URL" --connections "$C" --duration "$D" --yes --format json | python3 -c '
import json, sys
d = json.load(sys.stdin); r = d["routes"][0]; l = r["latency_ms"]
e = sum(r["errors"].values())
print("launch-ready  %10.1f req/s  p50 %8.2f  p95 %8.2f  p99 %8.2f ms  errors %d" % (d["rps"], l["p50"], l["p95"], l["p99"], e))'
sleep 1
if command -v oha > /dev/null; then
  oha -z "${D}s" -c "$C" --no-tui --output-format json "$URL" | python3 -c '
import json, sys
d = json.load(sys.stdin); s = d["summary"]; p = d["latencyPercentiles"]
ok = sum(d.get("statusCodeDistribution", {}).values())
print("oha           %10.1f req/s  p50 %8.2f  p95 %8.2f  p99 %8.2f ms  non-2xx/errors %d" % (s["requestsPerSec"], p["p50"]*1000, p["p95"]*1000, p["p99"]*1000, sum(d.get("errorDistribution", {}).values())))'
  sleep 1
else
  echo "oha           not installed (cargo install oha --locked)"
fi
if command -v wrk > /dev/null; then
  # Two threads: the machine's cores; wrk spreads the connections over them.
  wrk -t2 -c"$C" -d"${D}s" -s "$here/wrk_percentiles.lua" "$URL" | grep '^wrk'
else
  echo "wrk           not installed (apt-get install wrk)"
fi
