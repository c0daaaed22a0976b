-- bench/server/report.lua - wrk script for the GET runs: sends the URL's
-- request unchanged and prints, after wrk's own report, key=value lines
-- that bench/server/run.sh reads (latencies in microseconds).

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format("requests=%d\n", summary.requests))
   io.write(string.format("duration_s=%.3f\n", secs))
   io.write(string.format("rps=%.1f\n", summary.requests / secs))
   io.write(string.format("bytes_per_request=%.1f\n", summary.bytes / math.max(summary.requests, 1)))
   io.write(string.format("p50_us=%d\np90_us=%d\np99_us=%d\np999_us=%d\nmax_us=%d\n",
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max))
   io.write(string.format("err_connect=%d\nerr_read=%d\nerr_write=%d\nerr_timeout=%d\nerr_status=%d\n",
      e.connect, e.read, e.write, e.timeout, e.status))
end
