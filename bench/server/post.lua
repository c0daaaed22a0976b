-- bench/server/post.lua - wrk script for post creation: each request is
-- POST PATH with a bearer token and a JSON body {"text": ...} whose text is
-- different every time (run, thread and counter in it; under 80 characters,
-- so always within the limit of 140). Counts the answers by status in each
-- thread and prints, after wrk's report, key=value lines for run.sh.
--
-- wrk -s post.lua URL -- TOKEN PATH RUN

local threads = {}
local nthreads = 0

function setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

function init(args)
   token, path, run = args[1], args[2], args[3] or "0"
   counter, n201, nother = 0, 0, 0
   headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end

function request()
   counter = counter + 1
   local body = string.format(
      '{"text":"Banc d\'essai %s.%d.%d : il faut travailler ensemble et coopérer. #innover"}',
      run, tid, counter)
   return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
   if status == 201 then
      n201 = n201 + 1
   else
      nother = nother + 1
      if last_other == nil then last_other = status .. " " .. string.sub(body or "", 1, 200) end
   end
end

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   local t201, tother, sample = 0, 0, nil
   for _, t in ipairs(threads) do
      t201 = t201 + t:get("n201")
      tother = tother + t:get("nother")
      sample = sample or t:get("last_other")
   end
   io.write(string.format("requests=%d\nduration_s=%.3f\nrps=%.1f\n", summary.requests, secs,
      summary.requests / secs))
   io.write(string.format("answers_201=%d\nanswers_other=%d\n", t201, tother))
   io.write(string.format("p50_us=%d\np90_us=%d\np99_us=%d\np999_us=%d\nmax_us=%d\n",
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max))
   io.write(string.format("err_connect=%d\nerr_read=%d\nerr_write=%d\nerr_timeout=%d\nerr_status=%d\n",
      e.connect, e.read, e.write, e.timeout, e.status))
   if sample then io.write("other_sample=" .. string.gsub(sample, "\n", " ") .. "\n") end
end
