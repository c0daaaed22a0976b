-- bench/soak/mix.lua - wrk script for the soak (issue 8): the mix of reads,
-- posts and comments, at a fixed rate or as fast as it goes, with latency
-- histograms per kind of request and per minute.
--
-- wrk is the Debian load generator the other benches use; it has no rate
-- option (wrk2 is not in Debian), so this script paces it: delay() gives
-- each request a slot on a fixed schedule, RATE requests/s over the whole
-- process (the clock is clock_gettime, through LuaJIT's ffi). Run it with as
-- many threads as connections (-tN -cN): each thread then has one
-- connection, so request() and response() pair up and the script can time
-- each request itself, by kind. Each thread goes round the same weighted
-- sequence of kinds (KINDS below: shares of the requests), so the mix holds
-- its shares whether paced or not.
--
-- wrk -tN -cN -s mix.lua URL -- RATE START END N ADMIN MEMBERS LIVE RECAP
--   RATE     requests per second for the whole process; 0: as fast as it goes
--   START    seconds since the epoch: no request before it; minute 0 begins there
--   END      no request is sent from then on (wrk's -d ends a little later, so
--            that the last answers are read)
--   N        wrk's thread count (-t), to share RATE among the threads
--   ADMIN    bearer token of the admin (posts, statuses, the tag timeline)
--   MEMBERS  bearer tokens of the members who comment, separated by commas
--   LIVE     slug of the live event; RECAP: slug of the event whose recap is read
--
-- After wrk's report it prints key=value lines: kinds=..., the totals, then
-- for each kind K: K_share, K_n, K_bad, K_p50_us, K_p99_us, K_max_us, and for
-- each minute M: K_mM_n, K_mM_bad, K_mM_p50_us, K_mM_p99_us, K_mM_max_us.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } gz_timespec;
int clock_gettime(int clk, gz_timespec *ts);
]]
local ts = ffi.new("gz_timespec")
local function now() -- seconds since the epoch, with nanoseconds (CLOCK_REALTIME)
   ffi.C.clock_gettime(0, ts)
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

-- name, weight (of 20), method, path ("%L": the live event, "%R": the recap's),
-- token ("admin", "member" or none), JSON field of the body (nil: a GET)
local KINDS = {
   {"event_page", 4, "GET", "/e/%L"},
   {"posts_json", 4, "GET", "/api/v1/events/%L/posts"},
   {"recap", 2, "GET", "/e/%R/recap"},
   {"tag_timeline", 4, "GET", "/api/v1/timelines/tag/innover", "admin"},
   {"native_post", 2, "POST", "/api/v1/events/%L/posts", "admin", "text"},
   {"mastodon_status", 2, "POST", "/api/v1/statuses", "admin", "status"},
   {"comment", 2, "POST", "/api/v1/events/%L/comments", "member", "body"},
}

-- The sequence each thread goes round: smooth weighted round-robin, so that
-- the kinds are interleaved rather than in runs.
local function sequence()
   local total, cur, seq = 0, {}, {}
   for i, k in ipairs(KINDS) do
      total = total + k[2]
      cur[i] = 0
   end
   for _ = 1, total do
      local best = 1
      for i, k in ipairs(KINDS) do
         cur[i] = cur[i] + k[2]
         if cur[i] > cur[best] then best = i end
      end
      cur[best] = cur[best] - total
      table.insert(seq, best)
   end
   return seq, total
end

-- Latency bins: 10 us wide up to 10 ms, 100 us up to 100 ms, 1 ms up to 10 s.
local function bin(us)
   if us < 10000 then return math.floor(us / 10) end
   if us < 100000 then return 1000 + math.floor((us - 10000) / 100) end
   if us < 10000000 then return 1900 + math.floor((us - 100000) / 1000) end
   return 11800
end
local function bin_top(b) -- the upper edge of a bin, in us
   if b < 1000 then return (b + 1) * 10 end
   if b < 1900 then return 10000 + (b - 999) * 100 end
   if b < 11800 then return 100000 + (b - 1899) * 1000 end
   return 10000000
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   local rate = tonumber(args[1])
   start, stop = tonumber(args[2]), tonumber(args[3])
   local nthreads = tonumber(args[4])
   admin = args[5]
   members = {}
   for t in string.gmatch(args[6], "[^,]+") do table.insert(members, t) end
   live, recap = args[7], args[8]
   seq, seq_len = sequence()
   pos = tid % seq_len -- threads start at different places of the sequence
   counter, n_ok, n_bad, missed = 0, 0, 0, 0
   hist, hn, hbad, hmax = {}, {}, {}, {} -- [kind][minute]
   for i = 1, #KINDS do hist[i], hn[i], hbad[i], hmax[i] = {}, {}, {}, {} end
   -- this thread's share of the rate (one connection per thread)
   interval = rate > 0 and nthreads / rate or 0
   -- the threads' slots spread over one interval, so that they do not fire together
   next_slot = start + interval * (tid - 1) / nthreads
end

function delay()
   local t = now()
   if t >= stop or next_slot >= stop then return 3600000 end -- over: wait for wrk's -d
   if interval == 0 then return t < start and (start - t) * 1000 or 0 end
   if next_slot < t - 1 then -- over a second late: the backlog is dropped, and counted
      missed = missed + math.floor((t - next_slot) / interval)
      next_slot = t
   end
   local d = next_slot - t
   next_slot = next_slot + interval
   return d > 0 and d * 1000 or 0
end

function request()
   counter = counter + 1
   pos = pos % seq_len + 1
   current = seq[pos]
   local k = KINDS[current]
   local path = string.gsub(string.gsub(k[4], "%%L", live), "%%R", recap)
   local headers = {}
   if k[5] == "admin" then
      headers["Authorization"] = "Bearer " .. admin
   elseif k[5] == "member" then
      headers["Authorization"] = "Bearer " .. members[(counter + tid) % #members + 1]
   end
   local body = nil
   if k[6] then
      headers["Content-Type"] = "application/json"
      body = string.format('{"%s":"Soak %d.%d.%d : il faut coopérer dans les territoires. #innover"}',
         k[6], math.floor(start), tid, counter)
   end
   t_sent = now()
   return wrk.format(k[3], path, headers, body)
end

function response(status, hdrs, body)
   local t = now()
   local us = (t - t_sent) * 1e6
   local m = math.max(0, math.floor((t_sent - start) / 60))
   local h = hist[current][m]
   if h == nil then
      h = {}
      hist[current][m], hn[current][m], hbad[current][m], hmax[current][m] = h, 0, 0, 0
   end
   local b = bin(us)
   h[b] = (h[b] or 0) + 1
   hn[current][m] = hn[current][m] + 1
   if us > hmax[current][m] then hmax[current][m] = us end
   if status >= 200 and status < 400 then
      n_ok = n_ok + 1
   else
      n_bad = n_bad + 1
      hbad[current][m] = hbad[current][m] + 1
      if bad_sample == nil then
         bad_sample = KINDS[current][1] .. " " .. status .. " " ..
            string.gsub(string.sub(body or "", 1, 160), "\n", " ")
      end
   end
end

-- wrk copies only flat values out of a thread (thread:get of a nested table
-- crashes wrk 4.1), so each thread hands its histograms over as one string
-- of numbers, "kind minute bin count ..." (bin -1: "bad max 0"), made when
-- done() asks: thread:get reads a global, and _G's __index makes this one
-- on demand, once every thread has stopped.
local function serialize()
   local out = {}
   for i = 1, #KINDS do
      for m, h in pairs(hist[i]) do
         for b, c in pairs(h) do table.insert(out, string.format("%d %d %d %d", i, m, b, c)) end
         table.insert(out, string.format("%d %d -1 %d %d 0", i, m, hbad[i][m],
            math.floor(hmax[i][m])))
      end
   end
   return table.concat(out, " ")
end
setmetatable(_G, {__index = function(_, k) if k == "histograms" then return serialize() end end})

local function merge(text, H, N, B, M)
   local v = {}
   for x in string.gmatch(text, "%-?%d+") do table.insert(v, tonumber(x)) end
   local j = 1
   while j <= #v do
      local i, m, b = v[j], v[j + 1], v[j + 2]
      H[i][m] = H[i][m] or {}
      N[i][m], B[i][m], M[i][m] = N[i][m] or 0, B[i][m] or 0, M[i][m] or 0
      if b == -1 then
         B[i][m] = B[i][m] + v[j + 3]
         M[i][m] = math.max(M[i][m], v[j + 4])
         j = j + 6
      else
         H[i][m][b] = (H[i][m][b] or 0) + v[j + 3]
         N[i][m] = N[i][m] + v[j + 3]
         j = j + 4
      end
   end
end

local function percentile(h, n, p)
   local keys = {}
   for b in pairs(h) do table.insert(keys, b) end
   table.sort(keys)
   local want, seen = math.ceil(n * p / 100), 0
   for _, b in ipairs(keys) do
      seen = seen + h[b]
      if seen >= want then return bin_top(b) end
   end
   return 0
end

local function put(key, value) io.write(string.format("%s=%s\n", key, value)) end

function done(summary, latency, requests)
   local ok, bad, miss, sample = 0, 0, 0, nil
   local H, N, B, M = {}, {}, {}, {}
   for i = 1, #KINDS do H[i], N[i], B[i], M[i] = {}, {}, {}, {} end
   for _, t in ipairs(threads) do
      ok = ok + t:get("n_ok")
      bad = bad + t:get("n_bad")
      miss = miss + t:get("missed")
      sample = sample or t:get("bad_sample")
      merge(t:get("histograms"), H, N, B, M)
   end
   local e = summary.errors
   local names, total_w = {}, 0
   for _, k in ipairs(KINDS) do
      table.insert(names, k[1])
      total_w = total_w + k[2]
   end
   put("kinds", table.concat(names, ","))
   put("requests", summary.requests)
   put("duration_s", string.format("%.3f", summary.duration / 1e6))
   put("answers_ok", ok)
   put("answers_bad", bad)
   put("missed_slots", miss)
   put("err_connect", e.connect)
   put("err_read", e.read)
   put("err_write", e.write)
   put("err_timeout", e.timeout)
   if sample then put("bad_sample", sample) end
   for i, k in ipairs(KINDS) do
      local all, n, nb, mx, ms = {}, 0, 0, 0, {}
      for m, h in pairs(H[i]) do
         table.insert(ms, m)
         for b, c in pairs(h) do all[b] = (all[b] or 0) + c end
         n, nb, mx = n + N[i][m], nb + B[i][m], math.max(mx, M[i][m])
      end
      table.sort(ms)
      put(k[1] .. "_share", string.format("%.3f", k[2] / total_w))
      put(k[1] .. "_n", n)
      put(k[1] .. "_bad", nb)
      put(k[1] .. "_p50_us", percentile(all, n, 50))
      put(k[1] .. "_p99_us", percentile(all, n, 99))
      put(k[1] .. "_max_us", mx)
      for _, m in ipairs(ms) do
         local p = string.format("%s_m%d_", k[1], m)
         put(p .. "n", N[i][m])
         put(p .. "bad", B[i][m])
         put(p .. "p50_us", percentile(H[i][m], N[i][m], 50))
         put(p .. "p99_us", percentile(H[i][m], N[i][m], 99))
         put(p .. "max_us", M[i][m])
      end
   end
end
