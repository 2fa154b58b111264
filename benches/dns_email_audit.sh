#!/usr/bin/env bash
# Wall time of a dns+email audit of every demo-lab domain, N runs.
# Usage: benches/dns_email_audit.sh [RUNS] [BINARY]
# Starts `launch-ready lab` in the background, runs `check --only dns,email` against the
# Brightdesk hosts, the good domain and every one-defect domain, prints min and median,
# then stops the lab it started (by its PID).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs="${1:-10}"
bin="${2:-target/debug/launch-ready}"
start_lab "$bin"
targets="brightdesk.test www.brightdesk.test app.brightdesk.test api.brightdesk.test admin.brightdesk.test staging.brightdesk.test help.brightdesk.test good.lab.test $domains"

times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  "$bin" check $targets --only dns,email --format json --fail-on never $flags >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done

echo "targets: $(echo $targets | wc -w) ($(echo "$domains" | wc -l) lab domains + Brightdesk + good)"
print_times "${times[@]}"
