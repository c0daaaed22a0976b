-- bench/mastodon/get.lua - wrk script for the timelines: GET PATH with a
-- bearer token (the Mastodon apps' way; the native API takes it too), and
-- key=value lines after wrk's report for run.sh. With ENCODING "gzip" it
-- also sends "Accept-Encoding: gzip", as the apps' HTTP libraries do
-- (OkHttp, URLSession, requests), and counts the answers that came gzipped.
--
-- wrk -s get.lua URL -- TOKEN PATH [ENCODING]

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   token, path, encoding = args[1], args[2], args[3]
   n200, nother, ngzip = 0, 0, 0
   headers = {["Authorization"] = "Bearer " .. token}
   if encoding == "gzip" then headers["Accept-Encoding"] = "gzip" end
end

function request()
   return wrk.format("GET", path, headers)
end

function response(status, hdrs, body)
   if status == 200 then n200 = n200 + 1 else nother = nother + 1 end
   if hdrs["Content-Encoding"] == "gzip" then ngzip = ngzip + 1 end
end

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local t200, tother, tgzip = 0, 0, 0
   for _, t in ipairs(threads) do
      t200 = t200 + t:get("n200")
      tother = tother + t:get("nother")
      tgzip = tgzip + t:get("ngzip")
   end
   io.write(string.format("requests=%d\nduration_s=%.3f\nrps=%.1f\n", summary.requests, secs,
      summary.requests / secs))
   io.write(string.format("answers_ok=%d\nanswers_other=%d\nanswers_gzip=%d\n", t200, tother,
      tgzip))
   io.write(string.format("bytes_per_answer=%.0f\n", summary.bytes / math.max(summary.requests, 1)))
   io.write(string.format("p50_us=%d\np99_us=%d\nerr_status=%d\n", latency:percentile(50),
      latency:percentile(99), summary.errors.status))
end
