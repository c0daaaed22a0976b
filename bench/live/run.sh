#!/bin/sh
# bench/live/run.sh - the live streams (server-sent events) under load, in one
# go (issue 4): builds gazouillis and bench/live/streamload, then
#
# 1. the curve: for each count of streams (100, 1,000, 5,000, 10,000), a
#    fresh server (new data directory, new free loopback port, started with
#    --max-streams-per-address 20000) with the reference event (live) and
#    its first 20 messages; streamload opens the streams on that event,
#    holds them idle 2 s (the server's VmRSS before and after: memory per
#    stream), then makes 20 posts, one every 500 ms, and times each one
#    from its 201 to its arrival on every stream; the server's own count of
#    open streams (/metrics) is read while they are held. The server is
#    stopped (SIGTERM) after each point, so that every RSS figure starts
#    from a clean process;
# 2. posting with and without idle streams: a fresh server, the reference
#    event A and an empty live event B; wrk posts to A
#    (wrk -t2 -c8 -d10s -s bench/server/post.lua, as bench/server does),
#    alternately with no stream open and while streamload holds 10,000 idle
#    streams on B (--posts 0, held past the end of the wrk run); 3 runs
#    each after a 2 s warm-up, ratio of the median posts/s. The server
#    notices that a client left a stream only when a keep-alive to it
#    fails, so before each run without streams the script waits until
#    /metrics says no stream is open;
# 3. prints a summary table (goals met / NOT met, the curve, the posting
#    runs, what the server logged) into bench/out/live/summary.md and, with
#    BENCH_UPDATE_RESULTS=1, writes it between the live-results markers of
#    bench/RESULTS.md. `make bench-live` runs it.
#
# Environment (all optional):
#   BUILD                     build folder of both binaries, default "build"
#   SHARED                    shared folder holding samples/, default "../shared"
#   PYTHON                    default /usr/bin/python3
#   BENCH_LIVE_CURVE          stream counts of the curve, default "100 1000 5000 10000"
#   BENCH_LIVE_POSTS          posts per curve point, default 20
#   BENCH_LIVE_INTERVAL_MS    time between two posts, default 500
#   BENCH_LIVE_CONNECT_RATE   new streams per second while opening, default 20000
#   BENCH_LIVE_KEEPALIVE      the server's --stream-keepalive in seconds, default 15
#                             (its own default)
#   BENCH_LIVE_IDLE_STREAMS   idle streams on event B while posting, default 10000
#   BENCH_LIVE_POST_SECONDS   seconds per wrk posting run, default 10
#   BENCH_LIVE_POST_REPS      posting runs per condition (medians), default 3
#   BENCH_LIVE_EVENT_POSTS    messages of the reference event before the runs, default 20
#   BENCH_UPDATE_RESULTS=1    also rewrite the live table in bench/RESULTS.md
#
# Only 127.0.0.1 is ever contacted. Every step runs under timeout(1); every
# process started here (gazouillis, streamload, wrk) is stopped on exit,
# whatever happens (trap), and each server's data directory removed. The
# server and streamload each need an open file per stream: `ulimit -Hn`
# must be at least the largest count + 100 (checked first; a point that
# does not fit is skipped and said so). Exit status: 0 when every step ran
# (goals not met are reported, not failures), 1 when a step failed.
set -u
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
CURVE=${BENCH_LIVE_CURVE:-100 1000 5000 10000}
POSTS=${BENCH_LIVE_POSTS:-20}
INTERVAL=${BENCH_LIVE_INTERVAL_MS:-500}
RATE=${BENCH_LIVE_CONNECT_RATE:-20000}
KEEPALIVE=${BENCH_LIVE_KEEPALIVE:-15}
IDLE=${BENCH_LIVE_IDLE_STREAMS:-10000}
SECS=${BENCH_LIVE_POST_SECONDS:-10}
REPS=${BENCH_LIVE_POST_REPS:-3}
NPOSTS=${BENCH_LIVE_EVENT_POSTS:-20}
WARMUP=2
HOLD=2             # seconds streamload holds the curve's streams idle before posting
MAX_PER_ADDR=20000 # every stream comes from 127.0.0.1
POST_CONNS=8
THREADS=2
GOAL_N=10000
SLUG=cooperer-2014 # event A: the reference event, where the posts go
IDLE_SLUG=banc-calme # event B: empty, where the idle streams wait
OUT=bench/out/live
ROOT=$(pwd)
BIN=$ROOT/$BUILD/gazouillis
SL=$ROOT/$BUILD/streamload
GZ="$PYTHON bench/server/gz.py"

for v in $CURVE $POSTS $INTERVAL $RATE $KEEPALIVE $IDLE $SECS $REPS $NPOSTS; do
    case $v in '' | *[!0-9]*)
        echo "bench-live: '$v' is not a whole number (see the BENCH_LIVE_* variables)" >&2
        exit 1
        ;;
    esac
done

mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
failed=""
fail() {
    echo "bench-live: FAILED: $*" >&2
    failed="$failed
- $*"
}
say() { echo "bench-live: $*" >&2; }
get() { # FILE KEY: the value of the last "KEY=value" line of FILE, or empty
    [ -f "$1" ] && sed -n "s/^$2=//p" "$1" | tail -n 1
}

# ---- processes started here, stopped on exit whatever happens ----
SRV_PID="" SL_PID="" WRK_PID="" DATA=""
alive() { # PID: running (a zombie child waiting to be reaped is not)
    [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}
stop_pid() { # PID SIGNAL SECONDS: signal, wait up to SECONDS, then KILL
    [ -n "$1" ] && alive "$1" || return 0
    kill -"$2" "$1" 2>/dev/null
    _k=0
    while alive "$1" && [ $_k -lt $(($3 * 20)) ]; do
        sleep 0.05
        _k=$((_k + 1))
    done
    alive "$1" && kill -KILL "$1" 2>/dev/null
    return 0
}
cleanup() {
    stop_pid "$WRK_PID" TERM 10
    stop_pid "$SL_PID" TERM 10
    stop_pid "$SRV_PID" TERM 20
    [ -n "$DATA" ] && rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- 1. tools, open files, binaries ----
if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    say "installing wrk (apt-get)"
    DEBIAN_FRONTEND=noninteractive timeout 600 $SUDO apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive timeout 600 $SUDO apt-get install -y -qq \
            --no-install-recommends wrk >&2 || fail "apt-get install wrk"
fi
command -v wrk >/dev/null 2>&1 || { fail "wrk missing"; exit 1; }

# Each stream is a socket in the server and one in streamload; the server
# keeps 64 files for itself, streamload 16, and wrk and /metrics need a few.
max_n=$IDLE
for count in $CURVE; do [ "$count" -gt "$max_n" ] && max_n=$count; done
need=$((max_n + 100))
hard=$(ulimit -H -n)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    ulimit -H -n "$need" 2>/dev/null # only root (CAP_SYS_RESOURCE) may raise it
    hard=$(ulimit -H -n)
fi
[ "$hard" = unlimited ] && hard=$((need + 1024))
ulimit -S -n "$hard" 2>/dev/null || ulimit -S -n "$need" 2>/dev/null
fits() { [ $(($1 + 100)) -le "$hard" ]; }
if ! fits "$max_n"; then
    say "*** ulimit -Hn is $hard: $max_n streams need at least $need open files in the server"
    say "*** and in streamload. Raise the hard limit (as root: ulimit -Hn $need, or nofile in"
    say "*** /etc/security/limits.conf, or LimitNOFILE= of the service); counts over $((hard - 100))"
    say "*** are skipped"
    fail "ulimit -Hn is $hard, under the $need open files that $max_n streams need"
fi
say "open files: hard limit $hard, soft now $(ulimit -S -n)"

say "building $BUILD/gazouillis and $BUILD/streamload"
timeout 900 make --no-print-directory BUILD="$BUILD" all "$BUILD/streamload" >&2 ||
    { fail "make all $BUILD/streamload"; exit 1; }

# ---- 2. helpers: the server, its metrics, streamload, wrk ----
free_port() { $PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
TICK=$(getconf CLK_TCK)
cpu_ticks() { # PID: user + system CPU time of the process, in clock ticks
    v=$(awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null)
    echo "${v:-0}"
}
# tcp_counters: the kernel's TCP counters of this network namespace (so also
# of any other loopback traffic meanwhile): SYNs dropped because a listen
# queue was full, segments retransmitted
tcp_counters() {
    awk '$1 == "TcpExt:" { if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
            for (i = 2; i <= NF; i++) if (k[i] == "ListenOverflows") print "listen_overflows=" $i }
         $1 == "Tcp:" { if (!t) { for (i = 2; i <= NF; i++) c[i] = $i; t = 1; next }
            for (i = 2; i <= NF; i++) if (c[i] == "RetransSegs") print "retrans_segs=" $i }' \
        /proc/net/netstat /proc/net/snmp 2>/dev/null
}
streams_open() { # the server's gazouillis_http_streams_open, or empty
    timeout 10 $GZ fetch "$BASE/metrics" "$OUT/metrics.tmp" >/dev/null 2>&1 &&
        sed -n 's/^gazouillis_http_streams_open //p' "$OUT/metrics.tmp"
}

# start_server NAME: a fresh data directory and port; the admin token, the
# reference event (A) and its first messages. $OUT/NAME.server gets start_ms.
start_server() {
    DATA=$(mktemp -d /tmp/gazouillis-live.XXXXXX)
    PORT=$(free_port)
    BASE=http://127.0.0.1:$PORT
    t0=$(date +%s%N)
    "$BIN" serve --listen "127.0.0.1:$PORT" --data "$DATA" \
        --max-streams-per-address $MAX_PER_ADDR --stream-keepalive "$KEEPALIVE" \
        >"$OUT/$1.stdout" 2>"$OUT/$1.log" </dev/null &
    SRV_PID=$!
    _tries=0
    until [ "$(timeout 2 $GZ fetch "$BASE/healthz" /dev/null 2>/dev/null | sed -n 's/^status=//p')" = 200 ]; do
        _tries=$((_tries + 1))
        if [ $_tries -ge 100 ] || ! alive "$SRV_PID"; then
            fail "$1: gazouillis did not start (see $OUT/$1.log)"
            return 1
        fi
        sleep 0.1
    done
    echo "start_ms=$((($(date +%s%N) - t0) / 1000000))" >"$OUT/$1.server"
    # the first admin is created (its password hashed) after the server listens
    _tries=0
    until TOKEN=$(timeout 60 "$BIN" token create admin --data "$DATA" 2>>"$OUT/$1.log" |
        awk '{ t = $NF } END { print t }') && [ -n "$TOKEN" ]; do
        _tries=$((_tries + 1))
        [ $_tries -lt 50 ] || { fail "$1: gazouillis token create admin (see $OUT/$1.log)"; return 1; }
        sleep 0.2
    done
    timeout 120 $GZ setup "$BASE" "$TOKEN" "$SLUG" "$NPOSTS" "$SHARED" >"$OUT/$1.setup" ||
        { fail "$1: creating the reference event"; return 1; }
}
# stop_server NAME: SIGTERM; $OUT/NAME.server gets stop_ms, exit_status and
# what the server logged (lines, warnings by kind); the full log is removed
stop_server() {
    [ -n "$SRV_PID" ] || return 0
    t0=$(date +%s%N)
    stop_pid "$SRV_PID" TERM 20
    t1=$(date +%s%N)
    wait "$SRV_PID" 2>/dev/null
    st=$?
    {
        echo "stop_ms=$(((t1 - t0) / 1000000))"
        echo "exit_status=$st"
        echo "log_lines=$(grep -c . "$OUT/$1.log")"
        echo "log_warnings=$(grep -c ' warning: ' "$OUT/$1.log")"
    } >>"$OUT/$1.server"
    # warnings by kind: the time stamp and the path left out
    grep ' warning: ' "$OUT/$1.log" | sed 's/^[^ ]* //; s/`[^'\'']*'\''/`PATH'\''/g' |
        sort | uniq -c | sort -rn >"$OUT/$1.warnings"
    grep -v ' GET \| POST \| warning: http: Failed to send' "$OUT/$1.log" | tail -n 50 >"$OUT/$1.log_other"
    tail -n 100 "$OUT/$1.log" >"$OUT/$1.log_tail" && rm -f "$OUT/$1.log"
    SRV_PID=""
    rm -rf "$DATA"
    DATA=""
}

# streamload_start NAME ARGS...: in the background, output in $OUT/NAME.txt;
# returns once its streams are settled (its "streams open" line), 1 if it ended first
streamload_start() {
    name=$1
    shift
    timeout -k 5 300 "$SL" --port "$PORT" --token "$TOKEN" --connect-rate "$RATE" \
        --pid "$SRV_PID" "$@" >"$OUT/$name.txt" 2>"$OUT/$name.err" &
    SL_PID=$!
    _waits=0
    until grep -q 'streams open in' "$OUT/$name.err" 2>/dev/null; do
        if ! alive "$SL_PID" || [ $_waits -ge 1000 ]; then
            fail "$name: streamload did not open its streams: $(tail -n 3 "$OUT/$name.err")"
            stop_pid "$SL_PID" TERM 5
            SL_PID=""
            return 1
        fi
        sleep 0.1
        _waits=$((_waits + 1))
    done
}
streamload_wait() { # NAME
    wait "$SL_PID"
    rc=$?
    SL_PID=""
    [ $rc -eq 0 ] || fail "$1: streamload exit status $rc: $(tail -n 3 "$OUT/$1.err")"
    [ -n "$(get "$OUT/$1.txt" streams_open)" ] || fail "$1: streamload printed no figures"
}

# wrk_run NAME RUN: posts to event A for SECS seconds, output in $OUT/NAME.txt,
# with the server's CPU time meanwhile
wrk_run() {
    name=$1 d=$SECS
    [ "$2" = warmup ] && d=$WARMUP
    c0=$(cpu_ticks "$SRV_PID")
    timeout -k 5 $((d + 30)) wrk -t$THREADS -c$POST_CONNS -d"${d}s" --latency \
        -s bench/server/post.lua "$BASE/api/v1/events/$SLUG/posts" \
        -- "$TOKEN" "/api/v1/events/$SLUG/posts" "$2" >"$OUT/$name.txt" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID"
    rc=$?
    WRK_PID=""
    c1=$(cpu_ticks "$SRV_PID")
    a=$(get "$OUT/$name.txt" answers_201)
    awk -v t=$((c1 - c0)) -v hz="$TICK" -v a="${a:-0}" -v d="$(get "$OUT/$name.txt" duration_s)" 'BEGIN {
        printf "server_cpu_s=%.2f\n", t / hz
        if (a > 0) printf "cpu_us_per_post=%.1f\n", 1e6 * t / hz / a
        if (d > 0) printf "posts_per_s=%.1f\n", a / d }' >>"$OUT/$name.txt"
    [ $rc -eq 0 ] || fail "wrk $name: exit status $rc"
    [ -n "$a" ] || fail "wrk $name: no figures (see $OUT/$name.txt)"
}

# ---- 3. the curve: a fresh server per count ----
for count in $CURVE; do
    name=curve_$count
    if ! fits "$count"; then
        echo "skipped=ulimit -Hn $hard" >"$OUT/$name.txt"
        continue
    fi
    say "curve: $count streams on $SLUG, $POSTS posts one every $INTERVAL ms (a fresh server)"
    if start_server "$name"; then
        sleep 1 # the start's and the setup's allocations settle
        c0=$(cpu_ticks "$SRV_PID")
        tcp_counters >"$OUT/$name.tcp0"
        if streamload_start "$name" --slug "$SLUG" --streams "$count" --posts "$POSTS" \
            --interval-ms "$INTERVAL" --hold-s "$HOLD" --timeout-s 10; then
            tcp_counters >"$OUT/$name.tcp1"
            srv_open=$(streams_open)
            streamload_wait "$name"
            c1=$(cpu_ticks "$SRV_PID")
            tcp_counters >"$OUT/$name.tcp2"
            {
                echo "server_streams_open=$srv_open"
                echo "syn_dropped_open=$(($(get "$OUT/$name.tcp1" listen_overflows) - \
                    $(get "$OUT/$name.tcp0" listen_overflows)))"
                echo "retrans_after_open=$(($(get "$OUT/$name.tcp2" retrans_segs) - \
                    $(get "$OUT/$name.tcp1" retrans_segs)))"
                awk -v t=$((c1 - c0)) -v hz="$TICK" 'BEGIN { printf "server_cpu_s=%.2f\n", t / hz }'
                timeout 10 $GZ rss "$SRV_PID" | sed 's/^/server_/'
            } >>"$OUT/$name.txt"
            say "$count streams: $(grep -E '^(streams_open|streams_refused|open_seconds|deliveries_missing|p99_ms|rss_per_stream_kb)=' \
                "$OUT/$name.txt" | tr '\n' ' ')"
        fi
    fi
    stop_server "$name"
done

# ---- 4. posting to A, without streams and with IDLE idle streams on B ----
IDLE_HOLD=$((SECS + 6))
DRAIN_MAX=$((2 * KEEPALIVE + 30))
# wait_drained NAME: until the server counts no open stream; seconds in $OUT/NAME.drain
wait_drained() {
    t0=$(date +%s)
    while :; do
        o=$(streams_open)
        [ "$o" = 0 ] && break
        if [ $(($(date +%s) - t0)) -ge $DRAIN_MAX ]; then
            fail "$1: the server still counts $o open streams $DRAIN_MAX s after their client left"
            break
        fi
        sleep 1
    done
    echo "drain_s=$(($(date +%s) - t0))" >"$OUT/$1.drain"
    echo "streams_open=$o" >>"$OUT/$1.drain"
}
if ! fits "$IDLE"; then
    say "posting with $IDLE idle streams: skipped (ulimit -Hn $hard)"
elif start_server post && timeout 30 $GZ empty-event "$BASE" "$TOKEN" "$IDLE_SLUG" >"$OUT/post.event_b"; then
    say "posting to $SLUG: ${WARMUP} s warm-up, then $REPS x $SECS s without streams and with" \
        "$IDLE idle streams on $IDLE_SLUG, alternately"
    wrk_run post_warmup warmup
    r=1
    while [ $r -le "$REPS" ]; do
        wait_drained "none_$r"
        say "run $r: no stream open"
        wrk_run "none_$r" "n$r"
        if streamload_start "hold_$r" --slug "$IDLE_SLUG" --streams "$IDLE" --posts 0 \
            --hold-s "$IDLE_HOLD"; then
            sleep 1
            o0=$(streams_open)
            say "run $r: $o0 idle streams open on $IDLE_SLUG"
            wrk_run "idle_$r" "i$r"
            o1=$(streams_open)
            streamload_wait "hold_$r"
            printf 'server_streams_open_before=%s\nserver_streams_open_after=%s\n' "$o0" "$o1" \
                >>"$OUT/hold_$r.txt"
            [ "${o1:-0}" -ge "$IDLE" ] ||
                fail "idle_$r: only ${o1:-no} streams still open at the end of the wrk run"
        fi
        r=$((r + 1))
    done
    timeout 10 $GZ metrics "$BASE" >"$OUT/post.metrics"
fi
stop_server post

# ---- 5. summary ----
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
orna() { [ -n "$1" ] && echo "$1" || echo "n/a"; }
ms() { # a figure in ms, or n/a
    [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf "%.1f ms", v }' || echo "n/a"
}
mb() { # kB -> "4.2 MB" (MiB), or n/a
    [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }' || echo "n/a"
}
verdict() { # VALUE OP LIMIT -> met / NOT met / not measured
    [ -n "$1" ] && awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
        ok = (op == "<") ? (v < l) : (v >= l); print ok ? "met" : "**NOT met**" }' ||
        echo "**not measured**"
}

# the goals, from the curve's point at GOAL_N streams
g=$OUT/curve_$GOAL_N.txt
g_open=$(get "$g" streams_open) g_srv=$(get "$g" server_streams_open)
g_ref=$(get "$g" streams_refused) g_fail=$(get "$g" connect_failures)
g_to=$(get "$g" streams_timed_out) g_early=$(get "$g" streams_closed_early)
g_p99=$(get "$g" p99_ms) g_missing=$(get "$g" deliveries_missing)
g_rss=$(get "$g" rss_per_stream_kb)
if [ -z "$g_open" ]; then
    v_open="**not measured**"
elif [ "$g_open" -ge $GOAL_N ] && [ "${g_srv:-0}" -ge $GOAL_N ] && [ "${g_early:-1}" = 0 ]; then
    v_open=met
else
    v_open="**NOT met**"
fi
# a delivery that never came is later than any: p99 is met only if none is missing
v_p99=$(verdict "$g_p99" "<" 200)
[ "$v_p99" = met ] && [ "${g_missing:-1}" != 0 ] && v_p99="**NOT met** ($g_missing deliveries missing)"
rate_none=$(med none posts_per_s) rate_idle=$(med idle posts_per_s)
post_ratio=$([ -n "$rate_none" ] && [ -n "$rate_idle" ] &&
    awk -v a="$rate_idle" -v b="$rate_none" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
errs() { # PREFIX: answers other than 201 and socket errors, all runs
    i=1 t=0
    while [ $i -le "$REPS" ]; do
        for k in answers_other err_connect err_read err_write err_timeout; do
            v=$(get "$OUT/$1_$i.txt" $k)
            t=$((t + ${v:-0}))
        done
        i=$((i + 1))
    done
    echo $t
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) cores ($cpu), shared:" \
        "the server, streamload and wrk compete for the same cores, and other work may run beside" \
        "them; wrk $(wrk --version 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -n 1)," \
        "open files hard limit $hard."
    echo "Command: \`${BENCH_COMMAND:-bench/live/run.sh}\` (BENCH_LIVE_CURVE=\"$CURVE\"," \
        "BENCH_LIVE_POSTS=$POSTS, BENCH_LIVE_INTERVAL_MS=$INTERVAL, BENCH_LIVE_CONNECT_RATE=$RATE," \
        "BENCH_LIVE_KEEPALIVE=$KEEPALIVE, BENCH_LIVE_IDLE_STREAMS=$IDLE," \
        "BENCH_LIVE_POST_SECONDS=$SECS, BENCH_LIVE_POST_REPS=$REPS); binaries $BUILD/gazouillis" \
        "and $BUILD/streamload; server started with --max-streams-per-address $MAX_PER_ADDR" \
        "--stream-keepalive $KEEPALIVE, a fresh one (and data directory) per curve point and for" \
        "the posting runs."
    echo
    echo "| goal (issue 4) | measured | target | |"
    echo "|---|---|---|---|"
    echo "| concurrent streams on one server process | $(num "$g_open") of $(num $GOAL_N) open" \
        "(the server counted $(num "$g_srv")); refused $(orna "$g_ref"), failed to connect" \
        "$(orna "$g_fail"), timed out $(orna "$g_to"), closed early $(orna "$g_early") |" \
        "10,000 | $v_open |"
    echo "| p99 delivery at $(num $GOAL_N) streams (201 of the POST to arrival on each stream)" \
        "| $(ms "$g_p99") (p50 $(ms "$(get "$g" p50_ms)"), max $(ms "$(get "$g" max_ms)");" \
        "$(num "$(get "$g" deliveries)") deliveries, $(orna "$g_missing") missing; POST round trip" \
        "p50 $(ms "$(get "$g" post_p50_ms)"), max $(ms "$(get "$g" post_max_ms)")) | < 200 ms | $v_p99 |"
    echo "| resident memory per idle stream at $(num $GOAL_N) streams | $(orna "$g_rss") KiB" \
        "(VmRSS $(mb "$(get "$g" rss_before_kb)") → $(mb "$(get "$g" rss_after_kb)")) | < 16 KiB |" \
        "$(verdict "$g_rss" "<" 16) |"
    echo "| posting rate with $(num "$IDLE") idle streams on another event / without | $(orna "$post_ratio")" \
        "($(num "$rate_idle") / $(num "$rate_none") posts/s, medians of $REPS runs) | >= 0.90 |" \
        "$(verdict "$post_ratio" ">=" 0.90) |"
    echo
    echo "The curve: $POSTS posts one every $INTERVAL ms on the streams' event; streams opened at up" \
        "to $RATE a second (time to open: first connect to every stream answered); memory per stream" \
        "= (VmRSS after $HOLD s idle − VmRSS before the first connect) / streams open, a fresh server" \
        "each time."
    echo
    echo "| streams | open (client / server) | refused, failed, timed out, closed early | time to open |" \
        "p50 / p99 / max delivery | deliveries missing / expected | RSS per stream | server VmRSS" \
        "before → after $HOLD s idle → after the posts | server CPU (open + posts) |" \
        "kernel: SYNs dropped while opening / TCP segments retransmitted after |"
    echo "|---:|---:|---|---:|---|---:|---:|---|---:|---|"
    for count in $CURVE; do
        f=$OUT/curve_$count.txt
        if [ -n "$(get "$f" skipped)" ]; then
            echo "| $(num "$count") | skipped: ulimit -Hn $hard | | | | | | | | |"
            continue
        fi
        if [ -z "$(get "$f" streams_open)" ]; then
            echo "| $(num "$count") | **failed** (see $OUT/curve_$count.err) | | | | | | | | |"
            continue
        fi
        echo "| $(num "$count") | $(num "$(get "$f" streams_open)") / $(num "$(get "$f" server_streams_open)") |" \
            "$(get "$f" streams_refused), $(get "$f" connect_failures), $(get "$f" streams_timed_out)," \
            "$(get "$f" streams_closed_early) | $(get "$f" open_seconds) s |" \
            "$(ms "$(get "$f" p50_ms)") / $(ms "$(get "$f" p99_ms)") / $(ms "$(get "$f" max_ms)") |" \
            "$(num "$(get "$f" deliveries_missing)") / $(num "$(get "$f" deliveries_expected)") |" \
            "$(orna "$(get "$f" rss_per_stream_kb)") KiB | $(mb "$(get "$f" rss_before_kb)") →" \
            "$(mb "$(get "$f" rss_after_kb)") → $(mb "$(get "$f" server_rss_kb)") |" \
            "$(get "$f" server_cpu_s) s | $(orna "$(get "$f" syn_dropped_open)") /" \
            "$(orna "$(get "$f" retrans_after_open)") |"
    done
    echo
    echo "Posting to event A: wrk -t$THREADS -c$POST_CONNS -d${SECS}s -s bench/server/post.lua after a" \
        "${WARMUP} s warm-up, runs alternating: none, idle, none, idle, …; \"idle\": streamload holds" \
        "$(num "$IDLE") streams on the empty live event B (\`--posts 0\`), opened before the run and" \
        "held past its end; before each \"none\" run the server counted 0 open streams."
    echo
    echo "| run | posts/s, no stream | posts/s, $(num "$IDLE") idle streams on B |" \
        "server CPU per post, none / idle | p99 of POST, none / idle | streams open (server) at start / end of the idle run |"
    echo "|---|---:|---:|---|---|---|"
    r=1
    while [ $r -le "$REPS" ]; do
        fn=$OUT/none_$r.txt fi=$OUT/idle_$r.txt fh=$OUT/hold_$r.txt
        echo "| $r | $(num "$(get "$fn" posts_per_s)") | $(num "$(get "$fi" posts_per_s)") |" \
            "$(orna "$(get "$fn" cpu_us_per_post)") µs / $(orna "$(get "$fi" cpu_us_per_post)") µs |" \
            "$(awk -v a="$(get "$fn" p99_us)" -v b="$(get "$fi" p99_us)" 'BEGIN {
                printf "%.1f ms / %.1f ms", a / 1000, b / 1000 }') |" \
            "$(num "$(get "$fh" server_streams_open_before)") / $(num "$(get "$fh" server_streams_open_after)") |"
        r=$((r + 1))
    done
    echo "| median | $(num "$rate_none") | $(num "$rate_idle") | $(orna "$(med none cpu_us_per_post)") µs /" \
        "$(orna "$(med idle cpu_us_per_post)") µs | | |"
    echo
    echo "Answers other than 201 and socket errors, all posting runs: $(errs none) without streams," \
        "$(errs idle) with. Memory per idle stream while posting (the first idle run, on a server" \
        "that had not held streams before): $(orna "$(get "$OUT/hold_1.txt" rss_per_stream_kb)") KiB." \
        "Streams left by their client were counted open by the server for" \
        "$(for r in $(seq 2 "$REPS"); do get "$OUT/none_$r.drain" drain_s; done | tr '\n' ' ' |
            sed 's/ $//; s/ /, /g') s (keep-alive every $KEEPALIVE s)."
    echo
    printf 'Servers: '
    for s in $(for count in $CURVE; do echo "curve_$count"; done) post; do
        f=$OUT/$s.server
        [ -f "$f" ] || continue
        printf '%s: up in %s ms, SIGTERM to exit %s ms (status %s), logged %s lines, %s warnings; ' \
            "$s" "$(get "$f" start_ms)" "$(get "$f" stop_ms)" "$(get "$f" exit_status)" \
            "$(num "$(get "$f" log_lines)")" "$(num "$(get "$f" log_warnings)")"
    done | sed 's/; $/./'
    echo
    w=$(cat "$OUT"/*.warnings 2>/dev/null | awk '{ n = $1; $1 = ""; c[$0] += n } END {
        for (k in c) printf "%d x%s\n", c[k], k }' | sort -rn | head -n 5)
    if [ -n "$w" ]; then
        echo
        echo "Warnings the servers logged, by kind (all runs):"
        echo
        echo "$w" | sed 's/^/    /'
    fi
    if [ -n "$failed" ]; then
        echo
        echo "Steps that failed:$failed"
    fi
} >"$OUT/summary.md"

echo
echo "==== bench-live summary ===="
cat "$OUT/summary.md"

if [ "${BENCH_UPDATE_RESULTS:-0}" = 1 ]; then
    "$PYTHON" - "$OUT/summary.md" bench/RESULTS.md <<'EOF'
import sys
summary, results = sys.argv[1], sys.argv[2]
new = open(summary, encoding="utf-8").read().rstrip("\n")
text = open(results, encoding="utf-8").read()
begin, end = "<!-- live-results:begin -->", "<!-- live-results:end -->"
if begin not in text:
    text = text.rstrip("\n") + "\n\n## Live streams (issue 4)\n\nLatest results of `make bench-live`:\n\n" \
        + begin + "\n" + end + "\n"
a, b = text.index(begin) + len(begin), text.index(end)
open(results, "w", encoding="utf-8").write(text[:a] + "\n" + new + "\n" + text[b:])
print("bench-live: results table written to " + results, file=sys.stderr)
EOF
fi

[ -z "$failed" ]
