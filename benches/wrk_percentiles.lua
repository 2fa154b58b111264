-- Prints wrk's figures in the same shape as load_vs.sh prints the others:
-- requests/s and p50/p95/p99 in milliseconds (wrk's --latency table has no p95).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk           %10.1f req/s  p50 %8.2f  p95 %8.2f  p99 %8.2f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
