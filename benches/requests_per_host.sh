#!/usr/bin/env bash
# HTTP requests one full audit sends to each lab host (what "each page fetched once"
# means in traffic). Usage: benches/requests_per_host.sh [BINARY] [LAB_BINARY]
# Starts `LAB_BINARY lab` (default: BINARY), runs one `BINARY check --only
# dns,email,tls,http,edge` over the same targets as full_audit.sh (slow.lab.test
# included), stops the lab with SIGTERM and prints the per-host counts the lab reports.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bin="${1:-target/debug/launch-ready}"
lab_bin="${2:-$bin}"
start_lab "$lab_bin"
web="$(sed -n '/^web hosts:/,/^press/s/^  \([a-z0-9.-]*\): .*/\1/p' "$lab_out")"
targets="$(printf '%s\n' brightdesk.test www.brightdesk.test app.brightdesk.test api.brightdesk.test \
  admin.brightdesk.test staging.brightdesk.test preview.brightdesk.test help.brightdesk.test \
  $web $domains | sort -u | tr '\n' ' ')"
# shellcheck disable=SC2086
"$bin" check $targets --only dns,email,tls,http,edge --format json --fail-on never --timeout 5 $flags >/dev/null || true
kill -TERM "$lab_pid"
wait "$lab_pid" 2>/dev/null || true
sed -n '/^HTTP requests answered/,$p' "$lab_out"
