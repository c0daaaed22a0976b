#!/bin/sh
# bench/server/run.sh - the server against nginx, in one go (issue 3, "Speed"):
# installs wrk and nginx from Debian when missing, builds gazouillis, starts
# it on a free loopback port with a temporary data directory (time from exec
# to the first 200 of /healthz, idle resident memory), creates the reference
# event (live) with 20 of its messages, saves the exact bodies of the posts
# JSON and of the event page, serves the same bytes with nginx on another
# loopback port, runs wrk against both (64 connections, 2 threads, medians of
# repetitions, gazouillis/nginx within one run), then creates posts through
# the API with 8 connections and checks that the posts stored match the 201
# answers. Prints a summary table. `make bench-server` runs it.
#
# Environment (all optional):
#   BUILD                 build folder of the binary, default "build"
#   SHARED                shared folder holding samples/, default "../shared"
#   PYTHON                default /usr/bin/python3
#   BENCH_SERVER_SECONDS  seconds per wrk run, default 10
#   BENCH_SERVER_REPS     runs per target (medians), default 3
#   BENCH_SERVER_WARMUP   seconds of warm-up per target (not recorded), default 2
#   BENCH_SERVER_POSTS    posts of the event before the GET runs, default 20
#   BENCH_PERF=1          also profiles the server (perf record) during the
#                         first gazouillis run of each kind: bench/out/server/perf_*.txt
#   BENCH_UPDATE_RESULTS=1  also rewrite the server table in bench/RESULTS.md
#
# Only 127.0.0.1 is ever contacted. Every step runs under timeout(1); every
# process started here (gazouillis, nginx, wrk, perf) is stopped on exit,
# whatever happens (trap). Exit status: 0 when every step ran (goals not met
# are reported, not failures), 1 when a step failed.
set -u
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
SECS=${BENCH_SERVER_SECONDS:-10}
REPS=${BENCH_SERVER_REPS:-3}
WARMUP=${BENCH_SERVER_WARMUP:-2}
NPOSTS=${BENCH_SERVER_POSTS:-20}
PERF=${BENCH_PERF:-0}
CONNS=64
THREADS=2
POST_CONNS=8
SLUG=cooperer-2014
OUT=bench/out/server
ROOT=$(pwd)
BIN=$ROOT/$BUILD/gazouillis
HERE=bench/server
GZ="$PYTHON $HERE/gz.py"
. "$HERE/nginx_head.sh"
WRK_LIMIT=$((SECS + 30))

mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
failed=""
fail() {
    echo "bench-server: FAILED: $*" >&2
    failed="$failed
- $*"
}
say() { echo "bench-server: $*" >&2; }
get() { # FILE KEY: the value of the last "KEY=value" line of FILE, or empty
    [ -f "$1" ] && sed -n "s/^$2=//p" "$1" | tail -n 1
}

# ---- processes started here, stopped on exit whatever happens ----
SRV_PID="" SUP_PID="" NGX_PID="" PERF_PID="" WRK_PID="" DATA="" SERVER_PIDS=""
stop_pid() { # PID SIGNAL SECONDS: signal, wait up to SECONDS, then KILL
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
    kill -"$2" "$1" 2>/dev/null
    n=0
    while kill -0 "$1" 2>/dev/null && [ $n -lt $(($3 * 20)) ]; do
        sleep 0.05
        n=$((n + 1))
    done
    kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
    return 0
}
cleanup() {
    stop_pid "$WRK_PID" TERM 10
    stop_pid "$PERF_PID" INT 10
    stop_pid "$SRV_PID" TERM 20
    stop_pid "$SUP_PID" TERM 5
    stop_pid "$NGX_PID" TERM 10
    [ -n "$DATA" ] && rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- 1. wrk and nginx (Debian) ----
missing=""
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || missing="$missing nginx"
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    say "installing$missing (apt-get)"
    # policy-rc.d (as Docker images set it) keeps Debian's nginx service from starting
    DEBIAN_FRONTEND=noninteractive timeout 600 $SUDO apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive timeout 600 $SUDO apt-get install -y -qq \
            --no-install-recommends $missing >&2 || fail "apt-get install$missing"
    NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi
if ! command -v wrk >/dev/null 2>&1 || [ ! -x "$NGINX" ]; then
    fail "wrk or nginx missing"
    exit 1
fi

# ---- 2. the binary ----
say "building $BUILD/gazouillis"
timeout 900 make --no-print-directory BUILD="$BUILD" all >&2 || { fail "make all"; exit 1; }

# ---- 3. gazouillis: start (fresh, then again on its data), the event ----
free_port() { $PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
GZ_PORT=$(free_port)
NGX_PORT=$(free_port)
while [ "$NGX_PORT" = "$GZ_PORT" ]; do NGX_PORT=$(free_port); done
GZ_BASE=http://127.0.0.1:$GZ_PORT
NGX_BASE=http://127.0.0.1:$NGX_PORT
DATA=$(mktemp -d /tmp/gazouillis-bench.XXXXXX)

# start NAME: starts the server under gz.py supervise; $OUT/NAME.ready gets start_ms
start_server() {
    rm -f "$OUT/$1.pid" "$OUT/$1.ready" "$OUT/$1.exit"
    $GZ supervise "$BIN" "$DATA" "$GZ_PORT" "$OUT/$1.stdout" "$OUT/server.log" "$OUT/$1.pid" \
        "$OUT/$1.ready" "$OUT/$1.exit" &
    SUP_PID=$!
    n=0
    while [ ! -f "$OUT/$1.ready" ] && [ $n -lt 300 ]; do sleep 0.05; n=$((n + 1)); done
    SRV_PID=$(cat "$OUT/$1.pid" 2>/dev/null)
    [ -n "$(get "$OUT/$1.ready" start_ms)" ]
}
# stop_server NAME: SIGTERM; $OUT/NAME.stop gets stop_ms and exit_status
stop_server() {
    t0=$(date +%s%N)
    stop_pid "$SRV_PID" TERM 20
    t1=$(date +%s%N)
    n=0
    while [ ! -f "$OUT/$1.exit" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
    {
        echo "stop_ms=$(((t1 - t0) / 1000000))"
        cat "$OUT/$1.exit" 2>/dev/null
    } >"$OUT/$1.stop"
    SRV_PID=""
    wait "$SUP_PID" 2>/dev/null
    SUP_PID=""
}
rss() { # NAME: VmRSS of the server into $OUT/rss_NAME.txt, after a second of rest
    sleep 1
    $GZ rss "$SRV_PID" >"$OUT/rss_$1.txt" || fail "reading VmRSS ($1)"
}

say "starting gazouillis on $GZ_BASE (empty data directory $DATA)"
if ! start_server first; then
    fail "gazouillis did not start: $(cat "$OUT/first.ready" 2>/dev/null) (log: $OUT/server.log)"
    exit 1
fi
grep -q "password:" "$OUT/first.stdout" && first_admin=yes || first_admin=no
rss first
TOKEN=$(timeout 60 "$BIN" token create admin --data "$DATA" 2>>"$OUT/server.log" | awk '{ t = $NF } END { print t }')
[ -n "$TOKEN" ] || { fail "gazouillis token create admin"; exit 1; }
say "creating the event $SLUG (live) and $NPOSTS posts"
timeout 120 $GZ setup "$GZ_BASE" "$TOKEN" "$SLUG" "$NPOSTS" "$SHARED" >"$OUT/setup.txt" ||
    { fail "creating the reference event"; exit 1; }
stop_server first
say "restarting gazouillis on the same data"
if ! start_server second; then
    fail "gazouillis did not restart: $(cat "$OUT/second.ready" 2>/dev/null)"
    exit 1
fi
rss start

# ---- 4. the bodies, and nginx serving the same bytes ----
POSTS_PATH="/api/v1/events/$SLUG/posts?limit=20"
PAGE_PATH="/e/$SLUG"
timeout 30 $GZ fetch "$GZ_BASE$POSTS_PATH" "$OUT/posts.json" >"$OUT/fetch_posts.txt" ||
    fail "GET $POSTS_PATH"
timeout 30 $GZ fetch "$GZ_BASE$PAGE_PATH" "$OUT/page.html" >"$OUT/fetch_page.txt" ||
    fail "GET $PAGE_PATH"
[ "$(get "$OUT/fetch_posts.txt" status)" = 200 ] || fail "GET $POSTS_PATH: $(get "$OUT/fetch_posts.txt" status)"
page_status=$(get "$OUT/fetch_page.txt" status)
RESOURCES=posts
[ "$page_status" = 200 ] && RESOURCES="posts page"

NGX_DIR=$ROOT/$OUT/nginx
mkdir -p "$NGX_DIR/tmp" "$NGX_DIR/www"
cp "$OUT/posts.json" "$NGX_DIR/www/posts.json"
[ "$page_status" = 200 ] && cp "$OUT/page.html" "$NGX_DIR/www/page.html"
chmod -R a+rX "$NGX_DIR/www"
posts_type=$(get "$OUT/fetch_posts.txt" content_type)
page_type=$(get "$OUT/fetch_page.txt" content_type)
{
    nginx_conf_head "$NGX_DIR" bench/server/run.sh
    cat <<EOF
    server {
        listen 127.0.0.1:$NGX_PORT;
        location = /api/v1/events/$SLUG/posts {
            default_type "$posts_type";
            add_header X-Content-Type-Options nosniff;
            alias $NGX_DIR/www/posts.json;
        }
EOF
    if [ "$page_status" = 200 ]; then
        cat <<EOF
        location = /e/$SLUG {
            default_type "$page_type";
            add_header X-Content-Type-Options nosniff;
            alias $NGX_DIR/www/page.html;
        }
EOF
    fi
    echo "    }"
    echo "}"
} >"$NGX_DIR/nginx.conf"
say "starting nginx on $NGX_BASE"
"$NGINX" -p "$NGX_DIR/" -c "$NGX_DIR/nginx.conf" -e "$NGX_DIR/error.log" &
NGX_PID=$!
n=0
until timeout 5 $GZ fetch "$NGX_BASE$POSTS_PATH" "$OUT/nginx_posts.json" >"$OUT/nginx_fetch_posts.txt" 2>/dev/null &&
    [ "$(get "$OUT/nginx_fetch_posts.txt" status)" = 200 ]; do
    n=$((n + 1))
    if [ $n -ge 100 ] || ! kill -0 "$NGX_PID" 2>/dev/null; then
        fail "nginx did not start (see $NGX_DIR/error.log)"
        exit 1
    fi
    sleep 0.05
done
cmp -s "$OUT/posts.json" "$OUT/nginx_posts.json" || fail "nginx does not serve the same posts JSON"
[ "$(get "$OUT/nginx_fetch_posts.txt" content_type)" = "$posts_type" ] ||
    fail "nginx's Content-Type differs: $(get "$OUT/nginx_fetch_posts.txt" content_type)"
if [ "$page_status" = 200 ]; then
    timeout 5 $GZ fetch "$NGX_BASE$PAGE_PATH" "$OUT/nginx_page.html" >"$OUT/nginx_fetch_page.txt"
    cmp -s "$OUT/page.html" "$OUT/nginx_page.html" || fail "nginx does not serve the same page"
fi

# ---- 5. GET: gazouillis and nginx, alternately ----
TICK=$(getconf CLK_TCK)
cpu_ticks() { # PIDS...: user + system CPU time of the processes, in clock ticks
    t=0
    for p in "$@"; do
        v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null)
        t=$((t + ${v:-0}))
    done
    echo $t
}
# wrk_run NAME SECONDS CONNS URL [wrk args...]: output in $OUT/NAME.txt, with
# the CPU time the server's processes ($SERVER_PIDS) used meanwhile
wrk_run() {
    name=$1 d=$2 c=$3 url=$4
    shift 4
    case $url in http://127.0.0.1:*) ;; *) fail "not loopback: $url"; return 1 ;; esac
    c0=$(cpu_ticks $SERVER_PIDS)
    # in the background, so that a signal runs the trap at once, not after wrk
    timeout -k 5 "$WRK_LIMIT" wrk -t"$THREADS" -c"$c" -d"${d}s" --latency "$url" "$@" \
        >"$OUT/$name.txt" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID"
    rc=$?
    WRK_PID=""
    c1=$(cpu_ticks $SERVER_PIDS)
    n=$(get "$OUT/$name.txt" requests)
    awk -v t=$((c1 - c0)) -v hz="$TICK" -v n="${n:-0}" -v d="$(get "$OUT/$name.txt" duration_s)" 'BEGIN {
        printf "server_cpu_s=%.2f\n", t / hz
        if (n > 0) printf "cpu_us_per_req=%.1f\n", 1e6 * t / hz / n
        if (d > 0) printf "server_cores=%.2f\n", t / hz / d }' >>"$OUT/$name.txt"
    [ $rc -eq 0 ] || fail "wrk $name: exit status $rc"
    [ -n "$(get "$OUT/$name.txt" requests)" ] || fail "wrk $name: no figures (see $OUT/$name.txt)"
}
# perf_start NAME: profiles the server for SECS seconds, when BENCH_PERF=1
perf_start() {
    [ "$PERF" = 1 ] || return 0
    perf record -F 199 --call-graph dwarf,8192 -p "$SRV_PID" -o "$OUT/perf_$1.data" \
        -- sleep "$SECS" >"$OUT/perf_$1.log" 2>&1 &
    PERF_PID=$!
}
perf_end() {
    [ "$PERF" = 1 ] && [ -n "$PERF_PID" ] || return 0
    wait "$PERF_PID" 2>/dev/null
    PERF_PID=""
    {
        echo "== $1: self time by library and function"
        timeout 300 perf report -i "$OUT/perf_$1.data" --stdio --no-children -g none \
            --sort dso,symbol 2>/dev/null | grep '%' | grep -v '^#' | head -n 30
        echo "== $1: time including callees, by function"
        timeout 300 perf report -i "$OUT/perf_$1.data" --stdio --children -g none \
            --sort symbol 2>/dev/null | grep '%' | grep -v '^#' | head -n 60
    } >"$OUT/perf_$1.txt"
}

for res in $RESOURCES; do
    [ $res = posts ] && path=$POSTS_PATH || path=$PAGE_PATH
    say "GET $path: ${WARMUP} s warm-up each, then $REPS x $SECS s on each server, $CONNS connections"
    SERVER_PIDS=$SRV_PID
    wrk_run "warmup_gz_$res" "$WARMUP" $CONNS "$GZ_BASE$path" -s $HERE/report.lua
    SERVER_PIDS="$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')"
    wrk_run "warmup_ngx_$res" "$WARMUP" $CONNS "$NGX_BASE$path" -s $HERE/report.lua
    r=1
    while [ $r -le "$REPS" ]; do
        [ $r = 1 ] && perf_start "get_$res"
        SERVER_PIDS=$SRV_PID
        wrk_run "gz_${res}_$r" "$SECS" $CONNS "$GZ_BASE$path" -s $HERE/report.lua
        [ $r = 1 ] && perf_end "get_$res"
        SERVER_PIDS="$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')"
        wrk_run "ngx_${res}_$r" "$SECS" $CONNS "$NGX_BASE$path" -s $HERE/report.lua
        r=$((r + 1))
    done
done
rss get
SERVER_PIDS=$SRV_PID

# ---- 6. POST: creating posts through the API, 8 connections ----
say "POST /api/v1/events/$SLUG/posts: $REPS x $SECS s, $POST_CONNS connections"
timeout 30 $GZ metrics "$GZ_BASE" >"$OUT/metrics_0.txt" || fail "GET /metrics"
r=1
while [ $r -le "$REPS" ]; do
    [ $r = 1 ] && perf_start post
    wrk_run "post_$r" "$SECS" $POST_CONNS "$GZ_BASE/api/v1/events/$SLUG/posts" \
        -s $HERE/post.lua -- "$TOKEN" "/api/v1/events/$SLUG/posts" "$r"
    [ $r = 1 ] && perf_end post
    sleep 0.5 # the requests wrk dropped at its deadline finish
    timeout 30 $GZ metrics "$GZ_BASE" >"$OUT/metrics_$r.txt" || fail "GET /metrics"
    r=$((r + 1))
done
rss post
# The same GET once more, now that the event holds every post created above
after_posts=$(get "$OUT/metrics_$REPS.txt" posts)
say "GET $POSTS_PATH once more, $after_posts posts stored"
wrk_run gz_posts_after "$SECS" $CONNS "$GZ_BASE$POSTS_PATH" -s $HERE/report.lua
rss end

say "stopping gazouillis and nginx"
stop_server second
stop_pid "$NGX_PID" TERM 10
NGX_PID=""
grep -c . "$OUT/server.log" >"$OUT/server_log_lines.txt"
tail -n 200 "$OUT/server.log" >"$OUT/server_log_tail.txt" && rm -f "$OUT/server.log"

# ---- 7. summary ----
median() { # numbers on stdin -> their median (the lower middle of an even count), or empty
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
vals() { # PREFIX KEY: KEY of $OUT/PREFIX_1..REPS.txt, one a line
    i=1
    while [ $i -le "$REPS" ]; do
        get "$OUT/$1_$i.txt" "$2"
        i=$((i + 1))
    done
}
med() { vals "$1" "$2" | median; }
num() { # thousands separators, or n/a
    [ -n "$1" ] && echo "$1" | awk '{ s = sprintf("%.0f", $1); r = "";
        while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
        print s r }' || echo "n/a"
}
ms() { # microseconds -> "1.23 ms", or n/a
    [ -n "$1" ] && awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }' || echo "n/a"
}
mb() { # kB -> "4.2 MB" (MiB), or n/a
    [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }' || echo "n/a"
}
ratio() { # a / b with two decimals, or n/a
    if [ -n "$1" ] && [ -n "$2" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
    else echo "n/a"; fi
}
verdict() { # VALUE OP LIMIT -> met / NOT met / n/a
    [ -n "$1" ] && awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
        ok = (op == "<") ? (v < l) : (v >= l); print ok ? "met" : "**NOT met**" }' || echo "n/a"
}
range() { # PREFIX KEY: min..max of the repetitions
    vals "$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f..%.0f", v[1], v[NR] }'
}
errs() { # PREFIX: socket errors and non-2xx of all repetitions
    i=1 t=0
    while [ $i -le "$REPS" ]; do
        for k in err_connect err_read err_write err_timeout err_status; do
            v=$(get "$OUT/$1_$i.txt" $k)
            t=$((t + ${v:-0}))
        done
        i=$((i + 1))
    done
    echo $t
}

posts_bytes=$(get "$OUT/fetch_posts.txt" bytes)
page_bytes=$(get "$OUT/fetch_page.txt" bytes)
gz_start=$(get "$OUT/first.ready" start_ms)
gz_restart=$(get "$OUT/second.ready" start_ms)
rss_start=$(get "$OUT/rss_start.txt" rss_kb)
# POST: the posts/s of each run are its 201 answers per second
i=1 post_rates="" total_201=0 total_other=0 total_stored=0 total_srv201=0 total_req=0
prev_posts=$(get "$OUT/metrics_0.txt" posts) prev_201=$(get "$OUT/metrics_0.txt" status_201)
while [ $i -le "$REPS" ]; do
    f=$OUT/post_$i.txt m=$OUT/metrics_$i.txt
    a=$(get "$f" answers_201) o=$(get "$f" answers_other) d=$(get "$f" duration_s)
    p=$(get "$m" posts) s=$(get "$m" status_201)
    if [ -n "$a" ] && [ -n "$d" ] && [ -n "$p" ] && [ -n "$prev_posts" ]; then
        post_rates="$post_rates $(awk -v a="$a" -v d="$d" 'BEGIN { printf "%.1f", a / d }')"
        total_201=$((total_201 + a)) total_other=$((total_other + o))
        total_req=$((total_req + $(get "$f" requests)))
        total_stored=$((total_stored + p - prev_posts)) total_srv201=$((total_srv201 + s - prev_201))
    fi
    prev_posts=$p prev_201=$s
    i=$((i + 1))
done
post_rate=$(echo "$post_rates" | tr ' ' '\n' | grep . | median)
post_share=$(awk -v o="$total_other" -v n="$((total_201 + total_other))" \
    'BEGIN { if (n > 0) printf "%.3f%%", 100 * o / n; else print "n/a" }')
if [ "$total_201" -eq 0 ]; then
    post_check="n/a"
elif [ "$total_srv201" -ge "$total_201" ] && [ "$total_stored" -ge "$total_srv201" ] &&
    [ $((total_stored - total_201)) -le $((REPS * POST_CONNS)) ]; then
    # every 201 wrk saw is stored; beyond them only the requests in flight
    # when wrk stopped, whose post was committed while wrk closed their
    # connection (the server then counts no 201: nobody was there to get it)
    post_check="consistent"
else
    post_check="**MISMATCH**"
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) cores ($cpu), shared:" \
        "gazouillis (or nginx) and wrk compete for the same 2 cores, and other work may run" \
        "beside them; wrk $(wrk --version 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -n 1)," \
        "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')."
    echo "Command: \`${BENCH_COMMAND:-bench/server/run.sh}\` (BENCH_SERVER_SECONDS=$SECS," \
        "BENCH_SERVER_REPS=$REPS, BENCH_PERF=$PERF); binary $BUILD/gazouillis."
    echo "GET: wrk -t$THREADS -c$CONNS -d${SECS}s --latency, median of $REPS runs per server" \
        "(runs alternate: gazouillis, nginx, gazouillis, …) after a ${WARMUP} s warm-up each;" \
        "nginx ($(nproc) workers, access_log off) serves the bytes gazouillis answered, as a static" \
        "file with the same Content-Type. POST: wrk -t$THREADS -c$POST_CONNS -d${SECS}s, $REPS runs," \
        "each request a different text."
    echo
    echo "| measure | gazouillis | nginx | gazouillis/nginx | goal | |"
    echo "|---|---:|---:|---:|---|---|"
    for res in posts page; do
        if [ $res = posts ]; then
            label="posts JSON, 20 posts ($posts_bytes bytes)"
        else
            label="event page HTML /e/$SLUG"
            if [ "$page_status" != 200 ]; then
                echo "| $label | not yet available (answers $page_status) | | | >= 0.5 x nginx, p99 < 10 ms | n/a |"
                continue
            fi
            label="event page HTML ($page_bytes bytes)"
        fi
        g=$(med gz_$res rps) n=$(med ngx_$res rps)
        echo "| $label: requests/s (median) | $(num "$g") | $(num "$n") | $(ratio "$g" "$n") |" \
            ">= 0.5 | $(verdict "$(ratio "$g" "$n")" ">=" 0.5) |"
        echo "| $label: requests/s, slowest..fastest run | $(range gz_$res rps) | $(range ngx_$res rps) | | | |"
        echo "| $label: p50 latency (median) | $(ms "$(med gz_$res p50_us)") | $(ms "$(med ngx_$res p50_us)") | | | |"
        g99=$(med gz_$res p99_us)
        echo "| $label: p99 latency (median) | $(ms "$g99") | $(ms "$(med ngx_$res p99_us)") | |" \
            "< 10 ms | $(verdict "$g99" "<" 10000) |"
        echo "| $label: server CPU time per request (median; last column nginx/gazouillis) | $(med gz_$res cpu_us_per_req) µs |" \
            "$(med ngx_$res cpu_us_per_req) µs | $(ratio "$(med ngx_$res cpu_us_per_req)" "$(med gz_$res cpu_us_per_req)") | | |"
        echo "| $label: cores the server used (median) | $(med gz_$res server_cores) |" \
            "$(med ngx_$res server_cores) | | | |"
        echo "| $label: socket errors + non-2xx, all runs | $(errs gz_$res) | $(errs ngx_$res) | | 0 | |"
    done
    a=$(get "$OUT/gz_posts_after.txt" rps)
    echo "| posts JSON again, after the POST runs ($after_posts posts stored): requests/s, p99" \
        "| $(num "$a"), $(ms "$(get "$OUT/gz_posts_after.txt" p99_us)") | | $(ratio "$a" "$(med ngx_posts rps)") | | |"
    echo "| post creation, $POST_CONNS connections: posts/s (median of 201s per second) |" \
        "$(num "$post_rate") | | | >= 5,000 | $(verdict "$post_rate" ">=" 5000) |"
    echo "| post creation: posts/s, slowest..fastest run | $(echo "$post_rates" | tr ' ' '\n' | grep . |
        sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f..%.0f", v[1], v[NR] }') | | | | |"
    echo "| post creation: server CPU time per request / cores used (median) |" \
        "$(med post cpu_us_per_req) µs / $(med post server_cores) | | | | |"
    echo "| post creation: p50 / p99 latency (median) | $(ms "$(med post p50_us)") /" \
        "$(ms "$(med post p99_us)") | | | | |"
    echo "| post creation: 201 answers (wrk) / 201s counted by the server / posts stored |" \
        "$total_201 / $total_srv201 / $total_stored | | | 201s <= stored <= 201s + in flight | $post_check |"
    echo "| post creation: answers other than 201 | $total_other ($post_share) | | | 0 |" \
        "$([ "$total_other" = 0 ] && echo met || echo "**NOT met**") |"
    echo "| first response (GET /healthz 200) after exec, empty data directory" \
        "(creates the schema and the admin) | $gz_start ms | | | <= 100 ms | $(verdict "$gz_start" "<" 100.05) |"
    echo "| first response after exec, on its data (restart) | $gz_restart ms | | |" \
        "<= 100 ms | $(verdict "$gz_restart" "<" 100.05) |"
    echo "| idle resident memory (VmRSS), 1 s after the restart | $(mb "$rss_start") | | |" \
        "< 15 MB | $(verdict "$rss_start" "<" 15360) |"
    echo "| idle resident memory after the GET runs / after the POST runs / at the end |" \
        "$(mb "$(get "$OUT/rss_get.txt" rss_kb)") / $(mb "$(get "$OUT/rss_post.txt" rss_kb)") /" \
        "$(mb "$(get "$OUT/rss_end.txt" rss_kb)") | | | < 15 MB |" \
        "$(verdict "$(get "$OUT/rss_end.txt" rss_kb)" "<" 15360) |"
    echo "| peak resident memory (VmHWM), whole run / threads | $(mb "$(get "$OUT/rss_end.txt" hwm_kb)")" \
        "/ $(get "$OUT/rss_end.txt" threads) | | | | |"
    echo "| SIGTERM to exit, at the end | $(get "$OUT/second.stop" stop_ms) ms, exit status" \
        "$(get "$OUT/second.stop" exit_status) | | | exit 0 | |"
    echo
    echo "The first start printed an admin password: $first_admin. The server logged" \
        "$(cat "$OUT/server_log_lines.txt") lines to its stderr (a file)."
    if [ -n "$failed" ]; then
        echo
        echo "Steps that failed:$failed"
    fi
} >"$OUT/summary.md"

echo
echo "==== bench-server summary ===="
cat "$OUT/summary.md"
[ "$PERF" = 1 ] && echo && echo "Profiles: $OUT/perf_*.txt"

if [ "${BENCH_UPDATE_RESULTS:-0}" = 1 ]; then
    "$PYTHON" - "$OUT/summary.md" bench/RESULTS.md <<'EOF'
import sys
summary, results = sys.argv[1], sys.argv[2]
new = open(summary, encoding="utf-8").read().rstrip("\n")
text = open(results, encoding="utf-8").read()
begin, end = "<!-- server-results:begin -->", "<!-- server-results:end -->"
if begin not in text:
    text = text.rstrip("\n") + "\n\n## Server (issue 3)\n\nLatest results of `make bench-server`:\n\n" \
        + begin + "\n" + end + "\n"
a, b = text.index(begin) + len(begin), text.index(end)
open(results, "w", encoding="utf-8").write(text[:a] + "\n" + new + "\n" + text[b:])
print("bench-server: results table written to " + results, file=sys.stderr)
EOF
fi

[ -z "$failed" ]
