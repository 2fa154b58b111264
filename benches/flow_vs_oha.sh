#!/usr/bin/env bash
# The demo session's flow (form login, then the protected API with the session cookie)
# under `launch-ready load --flow`, against oha on what oha can express of it: the login
# POST alone, and the protected GET alone with a Cookie header captured beforehand (oha
# cannot chain requests); then the same flow through the exported locustfile. Same
# connection (user) count and duration, one after the other, against one `launch-ready
# lab` on loopback. Prints requests/s, iterations/s, p95 per step and the CPU seconds
# (user + system) per 1000 requests of each tool.
#
# Usage: benches/flow_vs_oha.sh [CONNECTIONS] [SECONDS] [BINARY]
# Needs: oha (cargo install oha --locked), locust (pip install locust), curl, python3,
# GNU time (/usr/bin/time); a missing oha or locust skips its rows.
set -euo pipefail
C=${1:-20}
D=${2:-10}
BIN=$(realpath "${3:-target/release/launch-ready}")
work=$(mktemp -d)
export LAUNCH_READY_DATA_DIR="$work"
APP=app.brightdesk.test
# The lab's demo account (crates/lab/src/web/flows.rs), kept in pieces as the lab does.
PW=$(printf '%s' lab -pass- Qx7 Rm2)
export LAUNCH_READY_CREDENTIAL_BRIGHTDESK_PASSWORD="$PW"

"$BIN" lab > "$work/lab.txt" 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^flags:' "$work/lab.txt" 2>/dev/null && break; sleep 0.1; done
# The flags line is quoted for a shell; shlex reads it as one would.
mapfile -t FLAGS < <(python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1])))' \
  "$(sed -n 's/^flags: //p' "$work/lab.txt")")
CA=$(sed -n 's/^lab CA: //p' "$work/lab.txt")
TO=$(printf '%s\n' "${FLAGS[@]}" | grep '^\*\.brightdesk\.test:443:' | head -1)
ADDR=${TO#'*.brightdesk.test:443:'}

# The demo session (created without opening it), aimed at this lab.
"$BIN" demo < /dev/null > /dev/null 2>&1 || true
sed -i "s|ca_file: None|ca_file: Some(\"$CA\")|" "$work/sessions/brightdesk-demo.ron"

cpu() { python3 -c 'import sys; u, s = map(float, open(sys.argv[1]).read().split()[-2:]); print("%.2f" % (u + s))' "$1"; }

echo "$C connections, ${D} s, https://$APP over one lab on loopback"
/usr/bin/time -f "%U %S" -o "$work/t1" "$BIN" load --session brightdesk-demo \
  --flow 'log in then protected route' --connections "$C" --duration "$D" --yes --format json \
  "${FLAGS[@]}" > "$work/flow.json"
python3 - "$work/flow.json" "$(cpu "$work/t1")" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); f = d["flows"][0]; cpu = float(sys.argv[2])
print("launch-ready --flow  %8.1f req/s  %7.1f iterations/s  completed %d failed %d  CPU %.2f s (%.3f s per 1000 requests)" % (
    d["rps"], f["iterations_per_s"], f["completed"], f["failed"], cpu, cpu * 1000 / max(d["requests"], 1)))
for r in d["routes"]:
    l = r["latency_ms"]
    print("  %-45s %8.1f req/s  p50 %6.2f  p95 %6.2f  p99 %6.2f ms  errors %d" % (
        r["name"], r["rps"], l["p50"], l["p95"], l["p99"], sum(r["errors"].values())))
EOF
sleep 1

if ! command -v oha > /dev/null; then
  echo "oha not installed (cargo install oha --locked)"
else
EMAIL=demo%40brightdesk.test
COOKIE=$(curl -s -o /dev/null -D - --connect-to "$APP:443:$ADDR" --cacert "$CA" \
  -d "email=$EMAIL&password=$PW" "https://$APP/session" | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip')
oha_row() {
  local name=$1; shift
  /usr/bin/time -f "%U %S" -o "$work/t2" oha -z "${D}s" -c "$C" --no-tui --output-format json \
    --connect-to "$APP:443:$ADDR" --insecure "$@" > "$work/oha.json"
  python3 - "$work/oha.json" "$(cpu "$work/t2")" "$name" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); s = d["summary"]; p = d["latencyPercentiles"]; cpu = float(sys.argv[2])
n = sum(d.get("statusCodeDistribution", {}).values())
print("oha %-17s %8.1f req/s  p50 %6.2f  p95 %6.2f  p99 %6.2f ms  statuses %s  errors %d  CPU %.2f s (%.3f s per 1000 requests)" % (
    sys.argv[3], s["requestsPerSec"], p["p50"] * 1000, p["p95"] * 1000, p["p99"] * 1000,
    d.get("statusCodeDistribution", {}), sum(d.get("errorDistribution", {}).values()), cpu, cpu * 1000 / max(n, 1)))
EOF
  sleep 1
}
oha_row "login POST" -m POST -T application/x-www-form-urlencoded \
  -d "email=$EMAIL&password=$PW" "https://$APP/session"
oha_row "protected GET" -H "Cookie: $COOKIE" "https://$APP/api/me"
fi

# The same flow through the exported locustfile: its flow's user class alone, no wait
# between iterations, one Locust process, the lab's names sent to the lab.
if ! command -v locust > /dev/null; then
  echo "locust not installed (pip install locust)"
  exit 0
fi
sleep 1
"$BIN" export locust brightdesk-demo "$work/locust" > /dev/null 2> "$work/export.err"
CLASS=$(grep -o 'Flow1_[A-Za-z0-9_]*' "$work/locust/locustfile.py" | head -1)
cat > "$work/locust/benchnet.py" <<'EOF'
import os

import locust
import urllib3.util.connection as connection

_HOST, _ADDR = os.environ["BENCH_APP"], os.environ["BENCH_ADDR"].rsplit(":", 1)
_create = connection.create_connection


def _create_lab(address, *args, **kwargs):
    if address[0].lower() == _HOST:
        address = (_ADDR[0], int(_ADDR[1]))
    return _create(address, *args, **kwargs)


connection.create_connection = _create_lab
# Throughput, not a visitor's pace: no wait between iterations.
# (The locustfile is loaded first, so its user classes exist by now.)
todo = [locust.User]
while todo:
    cls = todo.pop()
    todo.extend(cls.__subclasses__())
    if getattr(cls, "abstract", False) is False:
        cls.wait_time = locust.constant(0)
EOF
( cd "$work/locust" && BENCH_APP=$APP BENCH_ADDR=$ADDR REQUESTS_CA_BUNDLE=$CA \
  /usr/bin/time -f "%U %S" -o "$work/t3" locust -f locustfile.py,benchnet.py --headless \
  -u "$C" -r "$C" -t "${D}s" --csv run --only-summary "$CLASS" > /dev/null 2>&1 || true )
python3 - "$work/locust/run_stats.csv" "$(cpu "$work/t3")" "$D" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]))); cpu = float(sys.argv[2]); secs = float(sys.argv[3])
total = next(r for r in rows if r["Name"] == "Aggregated")
steps = [r for r in rows if r["Name"] != "Aggregated"]
n = int(total["Request Count"])
print("locust (one process) %8.1f req/s  %7.1f iterations/s  failures %s  CPU %.2f s (%.3f s per 1000 requests)" % (
    float(total["Requests/s"]), int(steps[-1]["Request Count"]) / secs, total["Failure Count"], cpu, cpu * 1000 / max(n, 1)))
for r in steps:
    print("  %-45s %8.1f req/s  p50 %6s  p95 %6s  p99 %6s ms  failures %s" % (
        r["Name"], float(r["Requests/s"]), r["50%"], r["95%"], r["99%"], r["Failure Count"]))
EOF
