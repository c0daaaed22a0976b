-- bench/mastodon/get.lua - wrk script for the timelines: GET PATH with a
-- bearer token (the Mastodon apps' way; the native API takes it too), and
-- key=value lines after wrk's report for run.sh.
--
-- wrk -s get.lua URL -- TOKEN PATH

function init(args)
   token, path = args[1], args[2]
   n200, nother = 0, 0
end

function request()
   return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end

function response(status, hdrs, body)
   if status == 200 then n200 = n200 + 1 else nother = nother + 1 end
end

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   io.write(string.format("requests=%d\nduration_s=%.3f\nrps=%.1f\n", summary.requests, secs,
      summary.requests / secs))
   io.write(string.format("p50_us=%d\np99_us=%d\nerr_status=%d\n", latency:percentile(50),
      latency:percentile(99), summary.errors.status))
end
