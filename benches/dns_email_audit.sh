#!/usr/bin/env bash
# Wall time of a dns+email audit of every demo-lab domain, N runs.
# Usage: benches/dns_email_audit.sh [RUNS] [BINARY]
# Starts `launch-ready lab` in the background, runs `check --only dns,email` against the
# Brightdesk hosts, the good domain and every one-defect domain, prints min and median,
# then stops the lab it started (by its PID).
set -euo pipefail

runs="${1:-10}"
bin="${2:-target/debug/launch-ready}"
out="$(mktemp)"
"$bin" lab >"$out" 2>&1 &
lab_pid=$!
trap 'kill "$lab_pid" 2>/dev/null; wait "$lab_pid" 2>/dev/null; rm -f "$out"' EXIT

for _ in $(seq 50); do grep -q '^flags:' "$out" && break; sleep 0.1; done
flags="$(sed -n 's/^flags: //p' "$out")"
[ -n "$flags" ] || { echo "the lab did not start:" >&2; cat "$out" >&2; exit 2; }
domains="$(sed -n 's/^  \([a-z0-9.-]*\.lab\.test\) (.*/\1/p' "$out")"
targets="brightdesk.test www.brightdesk.test app.brightdesk.test api.brightdesk.test admin.brightdesk.test staging.brightdesk.test help.brightdesk.test good.lab.test $domains"

times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  "$bin" check $targets --only dns,email --format json --fail-on never $flags >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
echo "targets: $(echo $targets | wc -w) ($(echo "$domains" | wc -l) lab domains + Brightdesk + good)"
echo "runs: $n  min: ${sorted[0]} ms  median: ${sorted[$((n / 2))]} ms  max: ${sorted[$((n - 1))]} ms"
