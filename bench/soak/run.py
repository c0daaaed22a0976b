#!/usr/bin/python3
"""bench/soak/run.py - the soak of issue 8 (item 6): gazouillis for ten
minutes at half its measured capacity, with 1,000 live streams open, and
what that does to its errors, memory, latency and CPU. `make soak` runs it.

1. Capacity, on a fresh server (new data directory, free 127.0.0.1 port)
   holding the 1,000 streams: the mix as fast as wrk goes, CAP_RUNS runs of
   SOAK_CAPACITY_SECONDS; the median rate is the mix's capacity.
2. The soak, on another fresh server: streamload (bench/live) opens 1,000
   streams on the live event and holds them for the whole run, while one
   wrk sends the mix paced at SOAK_LOAD (0.5) of that capacity for
   SOAK_SECONDS. Every 10 s the server's VmRSS, CPU time, open streams
   (/metrics) and the load average are sampled.
3. The checks: no answer other than 2xx/3xx and no socket error; every
   stream still open at the end, each having received every post stored
   meanwhile (native posts and Mastodon statuses routed to the event), in
   the order of their event ids; memory flat (the slope over the second
   half); p50/p99 per minute and kind. The summary goes to
   bench/out/soak/summary.md and, with BENCH_UPDATE_RESULTS=1, between the
   soak markers of docs/RELIABILITY.md.

The mix (bench/soak/mix.lua, shares of the requests): the event page 20%,
the posts JSON 20%, the recap 10% (of a published copy of the reference
event, so that its size does not grow with the soak's posts), the Mastodon
tag timeline 20%; posts through the native API 10% and through POST
/api/v1/statuses 10% (routed to the live event by its hashtag); members'
comments 10% (the comments API, on the live event, from 8 accounts).

Why wrk with a pacing script: wrk is the Debian load generator the other
benches use (wrk2, which has a rate option, is not in Debian), it costs
little CPU beside the server on a small machine, and its LuaJIT has an ffi
to read the clock, so mix.lua can hold a fixed rate and time each request
into per-kind, per-minute histograms (see that file). Its latency is from
the request written to the answer read: a request that waited for a busy
connection is not counted as late (coordinated omission), which at half
the capacity matters little; the slots the pacing had to drop are counted.

Environment (optional): SOAK_SECONDS (600), SOAK_CAPACITY_SECONDS (8),
SOAK_LOAD (0.5), SOAK_STREAMS (1000), SOAK_SAMPLE_SECONDS (10), BUILD
(build), SHARED (../shared), BENCH_UPDATE_RESULTS=1. Only 127.0.0.1 is
contacted; every process started here is stopped on exit, and every data
directory removed. Exit status 0 when the soak ran and met its goals
(zero errors, every post on every stream), 1 otherwise.
"""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "server"))
import gz  # noqa: E402 (bench/server/gz.py: requests to 127.0.0.1, setup of the events)

BUILD = os.environ.get("BUILD", "build")
SHARED = os.path.abspath(os.environ.get("SHARED", os.path.join(ROOT, "..", "shared")))
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CAP_SECONDS = int(os.environ.get("SOAK_CAPACITY_SECONDS", "8"))
LOAD = float(os.environ.get("SOAK_LOAD", "0.5"))
STREAMS = int(os.environ.get("SOAK_STREAMS", "1000"))
SAMPLE = int(os.environ.get("SOAK_SAMPLE_SECONDS", "10"))
OUT = os.path.join(ROOT, "bench", "out", "soak")
BIN = os.path.join(ROOT, BUILD, "gazouillis")
STREAMLOAD = os.path.join(ROOT, BUILD, "streamload")
PACED = os.path.join(ROOT, "bench", "soak", "paced.lua")
RELIABILITY = os.path.join(ROOT, "docs", "RELIABILITY.md")
MIX = os.path.join(ROOT, "bench", "soak", "mix.lua")

LIVE = "cooperer-2014"         # the live event: posts, streams, page, comments
RECAP = "cooperer-2014-recap"  # a published copy of it, whose recap is read
MEMBERS = 8                    # accounts that comment, in turn
COMMENTS_PER_ADDRESS = 100000  # the server's most, per 10 minutes: every comment is from 127.0.0.1
COMMENT_RATE_MAX = 0.9 * COMMENTS_PER_ADDRESS / 600
CAP_RUNS = 3                   # capacity runs, the median taken
CAP_THREADS = 16               # wrk connections (one a thread) when measuring capacity
SOAK_THREADS = 32              # and during the soak, paced: room for slow answers
POSTING = ("native_post", "mastodon_status")
ERRORS = ("err_connect", "err_read", "err_write", "err_timeout")

started = []  # (Popen, what) of everything started here, stopped on exit
data_dirs = []


def say(msg):
    print(f"soak: {msg}", file=sys.stderr, flush=True)


def fail(msg):
    say(f"FAILED: {msg}")
    sys.exit(1)


def keyvals(text):
    """The key=value lines of a tool's output, as a dict (the last value of a key wins)."""
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition("=")
        if sep and re.fullmatch(r"[A-Za-z0-9_]+", k):
            out[k] = v
    return out


def stop(proc, sig=signal.SIGTERM, wait=20):
    """Signals a process started here, waits up to `wait` s, then kills it: its exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def cleanup():
    for proc, _ in reversed(started):
        stop(proc, wait=10)
    for d in data_dirs:
        shutil.rmtree(d, ignore_errors=True)


def spawn(args, what, **kw):
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, **kw)
    started.append((proc, what))
    return proc


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(data, *args):
    """A gazouillis command on the data directory; its stdout's last word (a token, a password)."""
    r = subprocess.run([BIN, *args, "--data", data], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"gazouillis {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.split()[-1] if r.stdout.split() else ""


class Server:
    """A fresh gazouillis on a new data directory and port, with the soak's events and accounts."""

    def __init__(self, name):
        self.name = name
        self.data = tempfile.mkdtemp(prefix="gazouillis-soak.")
        data_dirs.append(self.data)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(OUT, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = spawn([BIN, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", self.data,
                           "--max-streams-per-address", str(STREAMS + 100),
                           "--api-rate-limit", "100000000",
                           "--comments-per-address", str(COMMENTS_PER_ADDRESS),
                           "--comments-per-account", str(COMMENTS_PER_ADDRESS)],
                          f"gazouillis ({name})", stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        while not gz.healthz_ok(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                fail(f"{name}: gazouillis did not start (see {self.log_path})")
            time.sleep(0.05)
        self.admin = self.token("admin")
        self.members = []
        for i in range(MEMBERS):
            cli(self.data, "user", "add", f"membre{i}", "--role", "member")
            self.members.append(self.token(f"membre{i}"))
        self.events()

    def token(self, user):
        """A bearer token for user (the first admin is created just after the server listens)."""
        for _ in range(100):
            r = subprocess.run([BIN, "token", "create", user, "--data", self.data],
                               capture_output=True, text=True, timeout=120)
            if r.returncode == 0 and r.stdout.split():
                return r.stdout.split()[-1]
            time.sleep(0.1)
        fail(f"{self.name}: gazouillis token create {user}: {r.stderr.strip()}")

    def events(self):
        """The recap's event (the reference, published), then the live one; 51 posts each."""
        for slug in (RECAP, LIVE):
            r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "server", "gz.py"),
                                "setup", self.base, self.admin, slug, "51", SHARED],
                               capture_output=True, text=True, timeout=300)
            if r.returncode != 0:
                fail(f"{self.name}: creating {slug}: {r.stderr.strip()}")
            if slug == RECAP:  # published before the live one exists: one live event per hashtag
                status, _, body = gz.request("PATCH", f"{self.base}/api/v1/events/{RECAP}",
                                             self.admin, {"state": "published"})
                if status != 200:
                    fail(f"{self.name}: publishing {RECAP}: {status} {body[:200]!r}")

    def metrics(self):
        """The server's /metrics as a dict of the lines without labels."""
        status, _, body = gz.request("GET", f"{self.base}/metrics", timeout=10)
        out = {}
        for line in body.decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#") and "{" not in parts[0]:
                out[parts[0]] = parts[1]
        return out

    def stop(self):
        t0 = time.monotonic()
        rc = stop(self.proc, wait=30)
        self.log.close()
        return rc, (time.monotonic() - t0) * 1000


def proc_stat(pid):
    """(VmRSS kB, user + system CPU seconds, threads) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            st = dict(line.split(":", 1) for line in f if ":" in line)
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    return (int(st["VmRSS"].split()[0]), (int(fields[11]) + int(fields[12])) / hz,
            int(st["Threads"].split()[0]))


def streams_start(srv, name, hold):
    """streamload holding STREAMS streams on the live event for `hold` s (it makes no post)."""
    out = open(os.path.join(OUT, f"{name}.streamload.txt"), "w")
    err_path = os.path.join(OUT, f"{name}.streamload.err")
    proc = spawn(["timeout", "-k", "5", str(int(hold + 120)), STREAMLOAD, "--port", str(srv.port),
                  "--slug", LIVE, "--token", srv.admin, "--streams", str(STREAMS),
                  "--posts", "0", "--hold-s", str(hold), "--timeout-s", "1",
                  "--connect-rate", "2000", "--pid", str(srv.proc.pid)],
                 f"streamload ({name})", stdout=out, stderr=open(err_path, "w"))
    deadline = time.monotonic() + 90
    while True:
        with open(err_path) as f:
            err = f.read()
        if "streams open in" in err:
            return proc, out.name, err_path
        if proc.poll() is not None or time.monotonic() > deadline:
            fail(f"{name}: streamload did not open its streams: {err[-400:]}")
        time.sleep(0.1)


def wrk(srv, rate, start, end, threads, name):
    """The mix in one wrk (rate 0: as fast as it goes), in the background."""
    duration = int(end - time.time()) + 3  # mix.lua sends nothing after `end`
    out = open(os.path.join(OUT, f"{name}.txt"), "w")
    return spawn(["timeout", "-k", "5", str(duration + 60), "wrk", f"-t{threads}", f"-c{threads}",
                  f"-d{duration}s", "--timeout", "10s", "-s", MIX, f"{srv.base}/", "--",
                  f"{rate:.3f}", f"{start:.3f}", f"{end:.3f}", str(threads), srv.admin,
                  ",".join(srv.members), LIVE, RECAP],
                 f"wrk ({name})", stdout=out, stderr=subprocess.STDOUT), out.name


def wrk_result(proc, path, name):
    """wrk's figures, once it ended (timeout(1) bounds it), with its CPU time."""
    _, status, ru = os.wait4(proc.pid, 0)  # timeout's rusage counts the wrk it waited for
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(path) as f:
        res = keyvals(f.read())
    if "kinds" not in res:
        fail(f"wrk {name} printed no figures (exit {proc.returncode}; see {path})")
    res["errors"] = int(res["answers_bad"]) + sum(int(res[k]) for k in ERRORS)
    res["client_cpu_s"] = ru.ru_utime + ru.ru_stime
    return res


def capacity():
    """The mix as fast as it goes beside the streams, CAP_RUNS times: the median rate and the runs."""
    srv = Server("capacity")
    hold = CAP_RUNS * (CAP_SECONDS + 5) + 10
    sl, _, _ = streams_start(srv, "capacity", hold)
    runs = []
    for r in range(CAP_RUNS):
        start = time.time() + 0.5
        proc, path = wrk(srv, 0, start, start + CAP_SECONDS, CAP_THREADS, f"capacity_{r + 1}")
        res = wrk_result(proc, path, f"capacity_{r + 1}")
        res["rate"] = int(res["answers_ok"]) / CAP_SECONDS
        runs.append(res)
        say(f"capacity run {r + 1}: {res['rate']:.0f} requests/s ({res['errors']} errors)")
    stop(sl, wait=10)
    srv.stop()
    rates = sorted(r["rate"] for r in runs)
    return rates[len(rates) // 2], runs


class Sampler(threading.Thread):
    """Every SAMPLE s: time, server VmRSS, CPU and threads, open streams, load average, the
    heap in use and SQLite's part of it (/metrics)."""

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv, self.rows, self.halt = srv, [], threading.Event()

    def one(self):
        st = proc_stat(self.srv.proc.pid)
        try:
            m = self.srv.metrics()
        except OSError:
            m = {}
        with open("/proc/loadavg") as f:
            load1 = float(f.read().split()[0])
        if st:
            self.rows.append((time.time(), st[0], st[1], st[2],
                              int(m.get("gazouillis_http_streams_open", "-1")), load1,
                              int(m.get("gazouillis_heap_bytes", "-1")),
                              int(m.get("gazouillis_sqlite_memory_bytes", "-1"))))

    def run(self):
        while not self.halt.is_set():
            self.one()
            self.halt.wait(SAMPLE)


def slope(points):
    """Least-squares slope of (x, y) points; 0 with fewer than two."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def soak(cap):
    rate = LOAD * cap
    share = float(keyvals(open(os.path.join(OUT, "capacity_1.txt")).read())["comment_share"])
    capped = rate * share > COMMENT_RATE_MAX
    if capped:  # the server's own per-address comment limit would answer 429
        rate = COMMENT_RATE_MAX / share
    say(f"mix capacity {cap:.0f} requests/s; the soak at {rate:.0f} requests/s")

    srv = Server("soak")
    sampler = Sampler(srv)
    sampler.one()  # before the streams
    rss_idle = sampler.rows[-1][1]
    sl, sl_out, _ = streams_start(srv, "soak", SECONDS + 15)
    posts_before = int(srv.metrics().get("gazouillis_posts", "0"))
    sampler.start()
    start = time.time() + 1
    end = start + SECONDS
    cpu0 = proc_stat(srv.proc.pid)[1]
    proc, path = wrk(srv, rate, start, end, SOAK_THREADS, "soak")
    say(f"{SECONDS} s of load, {STREAMS} streams held")
    res = wrk_result(proc, path, "soak")
    cpu1 = proc_stat(srv.proc.pid)[1]
    sampler.halt.set()
    sampler.join()
    sampler.one()  # the end of the load
    posts_after = int(srv.metrics().get("gazouillis_posts", "0"))
    try:
        sl.wait(timeout=SECONDS + 200)
    except subprocess.TimeoutExpired:
        fail("streamload did not end")
    with open(sl_out) as f:
        streams = keyvals(f.read())
    stop_rc, stop_ms = srv.stop()
    with open(srv.log_path, errors="replace") as f:
        log = f.read().splitlines()
    return dict(cap=cap, rate=rate, capped=capped, res=res, rows=sampler.rows,
                rss_idle=rss_idle, streams=streams, posts=posts_after - posts_before,
                cpu=cpu1 - cpu0, wall=min(SECONDS, time.time() - start), stop_rc=stop_rc,
                stop_ms=stop_ms, log=log)


def ms(us):
    return f"{int(us) / 1000:.1f}"


def summarize(cap_runs, s):
    res, rows, st = s["res"], s["rows"], s["streams"]
    kinds = res["kinds"].split(",")
    total = int(res["requests"])
    posts_ok = sum(int(res[f"{k}_n"]) - int(res[f"{k}_bad"]) for k in POSTING)
    lo, hi = st.get("post_events_min_per_stream", ""), st.get("post_events_max_per_stream", "")
    every_post = (st.get("streams_open") == str(STREAMS) and st.get("streams_closed_early") == "0"
                  and lo == hi == str(s["posts"]) and st.get("ids_not_increasing") == "0")
    minutes = sorted({int(m.group(1)) for key in res
                      for m in [re.fullmatch(r"[a-z_]+_m(\d+)_n", key)] if m})
    t0 = rows[0][0]
    rss = [(t - t0, r) for t, r, *_ in rows]
    # slopes over the second half of the samples taken under load (the first row is before
    # the streams, the last one after the load)
    half = [(t / 60, r) for t, r in rss[1:-1] if t >= rss[-1][0] / 2]
    # the heap in use outside SQLite, in kB: what a leak would make grow
    own = [(t - t0, (h - q) / 1024) for t, _, _, _, _, _, h, q in rows]
    own_half = [(t / 60, v) for t, v in own[1:-1] if t >= own[-1][0] / 2]
    sq = [q / 1024 for *_, q in rows]
    ok = res["errors"] == 0 and every_post
    L = []
    L.append(f"Command: `make soak` (SOAK_SECONDS={SECONDS}, SOAK_LOAD={LOAD}, "
             f"SOAK_STREAMS={STREAMS}), run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(t0))} "
             f"on {os.cpu_count()} cores shared with other work (load average below). "
             f"Verdict: **{'met' if ok else 'NOT met'}** (zero errors, every post on every "
             f"stream).")
    L.append("")
    L.append(f"Capacity: the mix as fast as wrk goes ({CAP_THREADS} connections) beside "
             f"{STREAMS} streams, on a fresh server, {CAP_RUNS} runs of {CAP_SECONDS} s: "
             + ", ".join(f"{r['rate']:,.0f}" for r in cap_runs)
             + f" requests/s ({sum(r['errors'] for r in cap_runs)} errors); median "
             f"**{s['cap']:,.0f} requests/s**. The soak: {SOAK_THREADS} connections paced at "
             f"**{s['rate']:,.0f} requests/s** ({s['rate'] / s['cap']:.0%})"
             + (f", lowered so that comments stay under the server's per-address limit of "
                f"{COMMENTS_PER_ADDRESS:,} per 10 minutes" if s["capped"] else "")
             + f", on another fresh server, {STREAMS} streams open throughout.")
    L.append("")
    L.append("| kind | share | requests | per second | errors | p50 ms | p99 ms | "
             "p99 ms: first minute / last minute / worst minute | max ms |")
    L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for k in kinds:
        p99 = [int(res[f"{k}_m{m}_p99_us"]) for m in minutes if f"{k}_m{m}_n" in res]
        n = int(res[f"{k}_n"])
        L.append(f"| {k.replace('_', ' ')} | {float(res[f'{k}_share']):.0%} | {n:,} | "
                 f"{n / s['wall']:,.0f} | {res[f'{k}_bad']} | {ms(res[f'{k}_p50_us'])} | "
                 f"{ms(res[f'{k}_p99_us'])} | "
                 + (f"{ms(p99[0])} / {ms(p99[-1])} / {ms(max(p99))}" if p99 else "")
                 + f" | {ms(res[f'{k}_max_us'])} |")
    L.append(f"| **all** | | {total:,} | {total / s['wall']:,.0f} | "
             f"**{res['errors']}** | | | | |")
    L.append("")
    L.append(f"Errors: {res['answers_bad']} answers other than 2xx/3xx, socket errors: "
             + ", ".join(f"{e[4:]} {res[e]}" for e in ERRORS)
             + (f"; the first bad answer: `{res['bad_sample']}`" if res.get("bad_sample") else "")
             + f". Slots the pacing missed (the client or server behind by over a second): "
             f"{res['missed_slots']}.")
    L.append("")
    L.append("p50 / p99 latency per minute, ms (mix.lua's own timing, from the request written "
             "to the answer read):")
    L.append("")
    L.append("| minute | " + " | ".join(k.replace("_", " ") for k in kinds) + " |")
    L.append("| --- |" + " --- |" * len(kinds))
    for m in minutes:
        cells = [f"{ms(res[f'{k}_m{m}_p50_us'])} / {ms(res[f'{k}_m{m}_p99_us'])}"
                 if f"{k}_m{m}_n" in res else "" for k in kinds]
        L.append(f"| {m + 1} | " + " | ".join(cells) + " |")
    L.append("")
    L.append(f"Streams: {st.get('streams_open')} of {STREAMS} opened, "
             f"{st.get('streams_open_at_end')} still open at the end "
             f"({st.get('streams_closed_early')} closed early, {st.get('protocol_errors')} "
             f"protocol errors). Posts stored during the run: {s['posts']:,} (answers 2xx to "
             f"the posts and statuses: {posts_ok:,}); post events received on each stream: "
             f"min {lo}, max {hi}; event ids not increasing: {st.get('ids_not_increasing')}; "
             f"keep-alive comments {st.get('comments')}. Every stream received every post, "
             f"once and in order: **{'yes' if every_post else 'NO'}**.")
    L.append("")
    L.append(f"Server resident memory (VmRSS, every {SAMPLE} s): idle before the streams "
             f"{s['rss_idle'] / 1024:.1f} MB, with the streams open {rss[1][1] / 1024:.1f} MB, "
             f"at the end {rss[-1][1] / 1024:.1f} MB, max {max(r for _, r in rss) / 1024:.1f} MB; "
             f"slope over the second half {slope(half):+.1f} kB/minute ({len(half)} samples). "
             f"Of which, from /metrics: SQLite (its page caches, 1 MiB a connection) "
             f"{sq[1] / 1024:.1f} MB with the streams open, {sq[-1] / 1024:.1f} MB at the end; "
             f"the rest of the heap in use {own[1][1] / 1024:.1f} MB, then "
             f"{own[-1][1] / 1024:.1f} MB at the end, slope over the second half "
             f"{slope(own_half):+.1f} kB/minute. "
             f"Server CPU: {s['cpu']:.0f} s in {s['wall']:.0f} s, {s['cpu'] / s['wall']:.2f} "
             f"cores, {1e6 * s['cpu'] / max(total, 1):.0f} µs per request (the streams' "
             f"deliveries included); {rows[-1][3]} threads. The load generators on the same "
             f"cores: wrk {res['client_cpu_s']:.0f} s, streamload "
             f"{float(st.get('client_cpu_s') or 0):.0f} s of CPU. Load average (1 min) during the "
             f"run: {min(r[5] for r in rows[1:]):.1f} to {max(r[5] for r in rows):.1f}. "
             f"SIGTERM to exit: {s['stop_ms']:.0f} ms, exit status {s['stop_rc']}.")
    L.append("")
    L.append("| t (s) | VmRSS (MB) | heap in use (MB) | of which SQLite (MB) "
             "| server CPU (cores, last interval) | streams open | load 1 min |")
    L.append("| --- | --- | --- | --- | --- | --- | --- |")
    step = max(1, len(rows) // 20)
    for i in sorted(set(range(0, len(rows), step)) | {len(rows) - 1}):
        t, r, c, _, so, la, h, q = rows[i]
        p = rows[i - 1] if i else None
        cores = f"{(c - p[2]) / (t - p[0]):.2f}" if p and t > p[0] else ""
        L.append(f"| {t - t0:.0f} | {r / 1024:.1f} | {h / 2**20:.1f} | {q / 2**20:.1f} | {cores} "
                 f"| {so} | {la:.1f} |")
    warnings = [line for line in s["log"] if " warning: " in line or " error: " in line]
    L.append("")
    L.append(f"The server logged {len(s['log']):,} lines, {len(warnings)} of them warnings or "
             f"errors" + (f", the first: `{warnings[0][:200]}`" if warnings else "") + ".")
    return "\n".join(L) + "\n", ok


def update_reliability(summary):
    begin, end = "<!-- soak:begin -->", "<!-- soak:end -->"
    os.makedirs(os.path.dirname(RELIABILITY), exist_ok=True)
    if os.path.exists(RELIABILITY):
        with open(RELIABILITY, encoding="utf-8") as f:
            text = f.read()
    else:
        text = "# Reliability: what is tested and measured\n"
    if begin not in text:
        text = (text.rstrip("\n") + "\n\n## Soak\n\n"
                "`make soak` (bench/soak/run.py): ten minutes at half the measured capacity, "
                "mixing reads, posts, comments and 1,000 open live streams; the latest figures:"
                f"\n\n{begin}\n{end}\n")
    a, b = text.index(begin) + len(begin), text.index(end)
    with open(RELIABILITY, "w", encoding="utf-8") as f:
        f.write(text[:a] + "\n" + summary + text[b:])
    say(f"figures written to {RELIABILITY}")


def main():
    if shutil.which("wrk") is None:  # as bench/server and bench/live do: from Debian
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        say("installing wrk (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
                       env=env, timeout=600, check=False)
        if shutil.which("wrk") is None:
            fail("wrk is missing and could not be installed (apt-get install wrk)")
    for path in (BIN, STREAMLOAD):
        if not os.access(path, os.X_OK):
            fail(f"{path} is missing: make all {BUILD}/streamload")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = STREAMS + 200
    if hard != resource.RLIM_INFINITY and hard < need:
        fail(f"ulimit -Hn is {hard}; {STREAMS} streams need {need} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the server and clients
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        cap, cap_runs = capacity()
        s = soak(cap)
        summary, ok = summarize(cap_runs, s)
    finally:
        cleanup()
    with open(os.path.join(OUT, "summary.md"), "w", encoding="utf-8") as f:
        f.write(summary)
    with open(os.path.join(OUT, "raw.json"), "w") as f:
        json.dump({k: v for k, v in s.items() if k != "log"}, f, indent=1)
    print(summary)
    if os.environ.get("BENCH_UPDATE_RESULTS") == "1":
        update_reliability(summary)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
