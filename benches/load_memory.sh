#!/usr/bin/env bash
# Resident memory of `launch-ready load` over a long run: VmRSS (and the peak, VmHWM) read
# from /proc/PID/status every 5 s, against the lab's keep-alive endpoint on loopback.
#
# Usage: benches/load_memory.sh [CONNECTIONS] [SECONDS] [BINARY]
set -euo pipefail
C=${1:-50}
D=${2:-60}
BIN=${3:-target/release/launch-ready}
PORT=${PORT:-18098}
URL="http://127.0.0.1:$PORT/"

"$BIN" lab --keepalive-port "$PORT" > /dev/null &
lab=$!
trap 'kill $lab 2>/dev/null' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "$URL" 2>/dev/null && break
  sleep 0.1
done

out=$(mktemp)
"$BIN" load "$URL" --connections "$C" --duration "$D" --yes --format json > "$out" &
gen=$!
t=0
while kill -0 "$gen" 2>/dev/null; do
  sleep 5
  t=$((t + 5))
  if [ -r "/proc/$gen/status" ]; then
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$gen/status" 2>/dev/null || true)
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$gen/status" 2>/dev/null || true)
    [ -n "$rss" ] && echo "${t} s  VmRSS ${rss} kB  VmHWM ${hwm} kB"
  fi
done
wait "$gen" || true
python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); r = d["routes"][0]; l = r["latency_ms"]
print("requests %d  %.1f req/s  p50 %.2f  p99 %.2f ms" % (r["requests"], d["rps"], l["p50"], l["p99"]))' "$out"
rm -f "$out"
