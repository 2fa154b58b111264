#!/usr/bin/env bash
# TUI responsiveness while a 200-connection perf.load runs from the checklist: a session
# whose runbook's performance check is a load test of the lab's keep-alive endpoint,
# driven in tmux (the check, `y` to confirm, then j/k once a second), with the TUI's
# frame log on. Prints frames, key-to-frame and draw times from the log.
#
# Usage: benches/tui_frames.sh [BINARY]      Needs: tmux, python3.
set -euo pipefail
BIN=$(realpath "${1:-target/release/launch-ready}")
PORT=${PORT:-18096}
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'tmux kill-session -t lrframes 2>/dev/null || true; kill $lab 2>/dev/null || true; rm -rf "$dir"' EXIT
sed 's/run: Auto(kind: "perf.latency")/run: Auto(kind: "perf.load", params: {"connections": "200", "duration": "15"})/' \
  "$here/tests/fixtures/runbooks/valid/minimal.ron" > "$dir/load.ron"
cd "$dir"
HOME="$dir" "$BIN" new --runbook load.ron --client Bench --domain bench.test --path s.ron --no-open > /dev/null
sed -i "s|    routes: \[\],|    routes: [(name: \"home\", path: \"http://127.0.0.1:$PORT/\", method: \"GET\")],|" s.ron
"$BIN" lab --keepalive-port "$PORT" > /dev/null 2>&1 &
lab=$!
sleep 2
tmux new-session -d -s lrframes -x 120 -y 40 \
  "cd $dir && LAUNCH_READY_FRAME_LOG=$dir/frames.log HOME=$dir $BIN open s.ron"
sleep 2
for k in h j j j j l r; do tmux send-keys -t lrframes "$k"; sleep 0.3; done
tmux send-keys -t lrframes y
for i in $(seq 1 14); do
  sleep 1
  if [ $((i % 2)) -eq 0 ]; then tmux send-keys -t lrframes k; else tmux send-keys -t lrframes j; fi
done
tmux capture-pane -t lrframes -p
sleep 3
tmux send-keys -t lrframes q
sleep 2
python3 - "$dir/frames.log" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if not l.startswith('#')]
draws = sorted(float(r[2]) for r in rows)
keys = sorted(float(r[3]) for r in rows if r[3] != '-')
print("frames %d, keys %d, key to frame median %.1f ms max %.1f ms, draw median %.1f ms max %.1f ms"
      % (len(rows), len(keys), keys[len(keys) // 2], keys[-1], draws[len(draws) // 2], draws[-1]))
PY
