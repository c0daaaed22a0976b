-- bench/mastodon/status.lua - wrk script for posting through the Mastodon
-- API or the native one, so both are measured by the same code: each
-- request is POST PATH with a bearer token and a JSON body whose text is
-- different every time (run, thread, counter; within 140 characters) and
-- carries #innover, so that a status goes to the live event. FIELD is the
-- JSON name of the text: "status" (Mastodon) or "text" (native).
--
-- wrk -s status.lua URL -- TOKEN PATH FIELD RUN

local threads = {}
local nthreads = 0

function setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

function init(args)
   token, path, field, run = args[1], args[2], args[3], args[4] or "0"
   counter, nok, nother = 0, 0, 0
   headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end

function request()
   counter = counter + 1
   local body = string.format(
      '{"%s":"Banc d\'essai %s.%d.%d : il faut travailler ensemble et coopérer. #innover"}',
      field, run, tid, counter)
   return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
   if status == 200 or status == 201 then
      nok = nok + 1
   else
      nother = nother + 1
      if last_other == nil then last_other = status .. " " .. string.sub(body or "", 1, 200) end
   end
end

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   local tok, tother, sample = 0, 0, nil
   for _, t in ipairs(threads) do
      tok = tok + t:get("nok")
      tother = tother + t:get("nother")
      sample = sample or t:get("last_other")
   end
   io.write(string.format("requests=%d\nduration_s=%.3f\nrps=%.1f\n", summary.requests, secs,
      summary.requests / secs))
   io.write(string.format("answers_ok=%d\nanswers_other=%d\nok_per_s=%.1f\n", tok, tother,
      tok / secs))
   io.write(string.format("p50_us=%d\np99_us=%d\n", latency:percentile(50),
      latency:percentile(99)))
   io.write(string.format("err_connect=%d\nerr_read=%d\nerr_timeout=%d\n", e.connect, e.read,
      e.timeout))
   if sample then io.write("other_sample=" .. string.gsub(sample, "\n", " ") .. "\n") end
end
