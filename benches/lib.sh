# Shell pieces both benchmarks share; sourced, never run on its own.
#
# start_lab BINARY: starts `BINARY lab` in the background and waits until it has printed
# its whole description (the last line is `press Ctrl-C to stop`), so every list below is
# complete when read. Sets:
#   lab_out   the file holding the lab's output
#   flags     the `check` flags that aim at the lab (nameserver, connect-to, ca-file)
#   domains   the one-defect DNS domains, one a line
# The lab it started is stopped (by its PID) and the file removed when the script exits.
start_lab() {
  lab_out="$(mktemp)"
  "$1" lab >"$lab_out" 2>&1 &
  lab_pid=$!
  trap 'kill "$lab_pid" 2>/dev/null; wait "$lab_pid" 2>/dev/null; rm -f "$lab_out"' EXIT

  for _ in $(seq 50); do grep -q '^press Ctrl-C' "$lab_out" && break; sleep 0.1; done
  flags="$(sed -n 's/^flags: //p' "$lab_out")"
  [ -n "$flags" ] || { echo "the lab did not start:" >&2; cat "$lab_out" >&2; exit 2; }
  domains="$(sed -n 's/^  \([a-z0-9.-]*\.lab\.test\) (.*/\1/p' "$lab_out")"
}

# print_times MS...: the run count and the min, median and max of the given times.
print_times() {
  local sorted n
  sorted=($(printf '%s\n' "$@" | sort -n))
  n=${#sorted[@]}
  echo "runs: $n  min: ${sorted[0]} ms  median: ${sorted[$((n / 2))]} ms  max: ${sorted[$((n - 1))]} ms"
}
