#!/usr/bin/env bash
# Wall time of a full audit (dns, email, tls, http, edge) of the demo lab, N runs.
# Usage: benches/full_audit.sh [RUNS] [BINARY]
# Starts `launch-ready lab` in the background, runs `check --only dns,email,tls,http,edge`
# against the Brightdesk hosts, every lab web host and every one-defect DNS domain, with
# the flags the lab prints (nameserver, connect-to, ca-file), prints min and median, then
# stops the lab it started (by its PID). `slow.lab.test` is left out: it never answers, so
# it would only measure the timeout; `INCLUDE_SLOW=1` keeps it (with `TIMEOUT=SECS`, the
# per-operation timeout, default 5) to measure how the run ends around a silent host.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs="${1:-10}"
bin="${2:-target/debug/launch-ready}"
start_lab "$bin"
web="$(sed -n '/^web hosts:/,/^press/s/^  \([a-z0-9.-]*\): .*/\1/p' "$lab_out")"
[ "${INCLUDE_SLOW:-0}" = 1 ] || web="$(printf '%s\n' "$web" | grep -v '^slow\.lab\.test$')"
targets="$(printf '%s\n' brightdesk.test www.brightdesk.test app.brightdesk.test api.brightdesk.test \
  admin.brightdesk.test staging.brightdesk.test preview.brightdesk.test help.brightdesk.test \
  $web $domains | sort -u | tr '\n' ' ')"

times=()
results=0
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  report="$("$bin" check $targets --only dns,email,tls,http,edge --format json --fail-on never --timeout "${TIMEOUT:-5}" $flags)"
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  results=$(printf '%s' "$report" | grep -c '"check":' || true)
done

echo "targets: $(echo $targets | wc -w) ($(echo "$web" | wc -l) web hosts, $(echo "$domains" | wc -l) DNS defect domains, Brightdesk)"
echo "results per run: $results"
print_times "${times[@]}"
