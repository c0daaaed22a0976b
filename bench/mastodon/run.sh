#!/bin/sh
# bench/mastodon/run.sh - the Mastodon client API against the native one, in
# one run (issue 6, "Speed"): builds gazouillis, starts it on a free loopback
# port with a temporary data directory (API rate limit raised), creates the
# reference event (live) with its first 20 messages, then alternates, REPS
# times each:
#   - posting: POST /api/v1/statuses {"status": "… #innover"} (routed to the
#     event) and POST /api/v1/events/SLUG/posts {"text": …}, at 8
#     connections (a few phones), then at 64 (as snac2's figures were taken);
#   - reading: GET /api/v1/timelines/tag/innover and GET
#     /api/v1/events/SLUG/posts (20 posts each), 64 connections, first as
#     plain bytes, then with "Accept-Encoding: gzip" as the apps' HTTP
#     libraries send it;
# then serves the same four reading bodies (plain and gzipped, as
# gazouillis sent them) from nginx as static files and reads them the same
# way: what those bytes cost a server that does nothing else, the floor
# under the reading ratio. It prints the medians, the cost of the Mastodon
# endpoints over the native ones (goal: at most 1.20) both by throughput
# and by the server's own CPU time per answer (read from /proc around each
# run, which leaves out wrk's work on the same cores), nginx's ratio for
# the same bytes, and the figures against snac2's on this kind of machine
# (950 posts/s, 240 tag pages/s at 64 connections: goal ten times).
# `make bench-mastodon` runs it; ab.sh compares two builds.
#
# Environment (optional): BUILD (default build), SHARED (../shared), PYTHON,
# BENCH_MASTO_SECONDS (per wrk run, default 8), BENCH_MASTO_REPS (default 3),
# BENCH_UPDATE_RESULTS=1 (rewrite the Mastodon table of bench/RESULTS.md).
# Without nginx (Debian's nginx package) the floor's rows say so and the
# rest runs as before.
# Only 127.0.0.1 is contacted; every process started is stopped on exit.
set -u
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
SECS=${BENCH_MASTO_SECONDS:-8}
REPS=${BENCH_MASTO_REPS:-3}
SLUG=cooperer-2014
OUT=bench/out/mastodon
ROOT=$(pwd)
BIN=$ROOT/$BUILD/gazouillis
GZ="$PYTHON bench/server/gz.py"
HERE=bench/mastodon
. bench/server/nginx_head.sh

mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
say() { echo "bench-mastodon: $*" >&2; }
get() { [ -f "$1" ] && sed -n "s/^$2=//p" "$1" | tail -n 1; }
command -v wrk >/dev/null || { say "wrk is missing (apt-get install wrk)"; exit 1; }

DATA=$(mktemp -d /tmp/gz-bench-masto.XXXXXX)
SRV_PID="" NGX_PID=""
cleanup() {
    [ -n "$SRV_PID" ] && kill -TERM "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
    [ -n "$NGX_PID" ] && kill -TERM "$NGX_PID" 2>/dev/null && wait "$NGX_PID" 2>/dev/null
    rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

PORT=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" serve --listen "127.0.0.1:$PORT" --data "$DATA/data" --api-rate-limit 100000000 \
    >"$OUT/server.out" 2>"$OUT/server.log" &
SRV_PID=$!
n=0
until grep -q "listening on" "$OUT/server.out" 2>/dev/null; do
    sleep 0.1
    n=$((n + 1))
    [ $n -lt 100 ] || { say "the server did not start"; exit 1; }
done
TOKEN=$("$BIN" token create admin --scopes "read write" --data "$DATA/data" 2>/dev/null | awk '{ print $NF }')
timeout 60 $GZ setup "$BASE" "$TOKEN" "$SLUG" 20 "$SHARED" >"$OUT/setup.txt" || { say "setup failed"; exit 1; }

# The server's CPU time (user + system, every thread: the writer, workers,
# indexer, publisher; for nginx its master and workers: $CPU_PIDS), in
# clock ticks, read around each wrk run: the cost of an answer to the
# server alone, apart from wrk's work on the same cores.
TICKS_PER_S=$(getconf CLK_TCK)
CPU_PIDS=$SRV_PID
server_ticks() {
    for p in $CPU_PIDS; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done |
        awk '{ t += $1 } END { print t + 0 }'
}
run() { # NAME CONNS URL LUA ARGS...
    name=$1 c=$2 url=$3 lua=$4
    shift 4
    t0=$(server_ticks)
    timeout -k 5 $((SECS + 30)) wrk -t2 -c"$c" -d"${SECS}s" --latency "$url" -s "$lua" -- "$@" \
        >"$OUT/$name.txt" 2>&1
    echo "server_cpu_ticks=$(($(server_ticks) - t0))" >>"$OUT/$name.txt"
}
say "warm-up"
run warm_masto_post 8 "$BASE/api/v1/statuses" $HERE/status.lua "$TOKEN" /api/v1/statuses status w
run warm_native_post 8 "$BASE/api/v1/events/$SLUG/posts" $HERE/status.lua "$TOKEN" \
    "/api/v1/events/$SLUG/posts" text w
r=1
while [ $r -le "$REPS" ]; do
    say "run $r of $REPS: posting ($SECS s each, 8 connections)"
    run "masto_post_$r" 8 "$BASE/api/v1/statuses" $HERE/status.lua "$TOKEN" /api/v1/statuses status "$r"
    run "native_post_$r" 8 "$BASE/api/v1/events/$SLUG/posts" $HERE/status.lua "$TOKEN" \
        "/api/v1/events/$SLUG/posts" text "$r"
    say "run $r of $REPS: posting ($SECS s each, 64 connections)"
    run "masto_post64_$r" 64 "$BASE/api/v1/statuses" $HERE/status.lua "$TOKEN" /api/v1/statuses \
        status "c$r"
    run "native_post64_$r" 64 "$BASE/api/v1/events/$SLUG/posts" $HERE/status.lua "$TOKEN" \
        "/api/v1/events/$SLUG/posts" text "c$r"
    r=$((r + 1))
done
r=1
while [ $r -le "$REPS" ]; do
    say "run $r of $REPS: reading ($SECS s each, 64 connections)"
    run "masto_tag_$r" 64 "$BASE/api/v1/timelines/tag/innover" $HERE/get.lua "$TOKEN" \
        /api/v1/timelines/tag/innover
    run "native_posts_$r" 64 "$BASE/api/v1/events/$SLUG/posts" $HERE/get.lua "$TOKEN" \
        "/api/v1/events/$SLUG/posts"
    run "masto_tag_gz_$r" 64 "$BASE/api/v1/timelines/tag/innover" $HERE/get.lua "$TOKEN" \
        /api/v1/timelines/tag/innover gzip
    run "native_posts_gz_$r" 64 "$BASE/api/v1/events/$SLUG/posts" $HERE/get.lua "$TOKEN" \
        "/api/v1/events/$SLUG/posts" gzip
    r=$((r + 1))
done

# ---- the same bytes from nginx: what they cost a server doing nothing else ----
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
NGX_DIR=$ROOT/$OUT/nginx
NGX_PORT=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NGX_BASE=http://127.0.0.1:$NGX_PORT
NGX_COPY_PORT=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NGX_COPY_BASE=http://127.0.0.1:$NGX_COPY_PORT
TAG_PATH=/api/v1/timelines/tag/innover LIST_PATH=/api/v1/events/$SLUG/posts
floor=no
# fetch_body NAME PATH ENCODING: the body as gazouillis sends it to the bench's reader
fetch_body() {
    timeout 30 $GZ fetch-as "$BASE$2" "$TOKEN" "$3" "$NGX_DIR/www/$1" >"$OUT/fetch_$1.txt" &&
        [ "$(get "$OUT/fetch_$1.txt" status)" = 200 ]
}
if [ -x "$NGINX" ]; then
    mkdir -p "$NGX_DIR/tmp" "$NGX_DIR/www"
    # nginx's gzip_static sends NAME.gz: byte for byte what gazouillis gzipped
    if fetch_body tag.json "$TAG_PATH" identity && fetch_body tag.json.gz "$TAG_PATH" gzip &&
        fetch_body list.json "$LIST_PATH" identity && fetch_body list.json.gz "$LIST_PATH" gzip &&
        [ "$(get "$OUT/fetch_tag.json.gz.txt" content_encoding)" = gzip ] &&
        [ "$(get "$OUT/fetch_list.json.gz.txt" content_encoding)" = gzip ]; then
        chmod -R a+rX "$NGX_DIR/www"
        {
            nginx_conf_head "$NGX_DIR" bench/mastodon/run.sh
            cat <<EOF
    default_type application/json;
    gzip_static on;
    server {
        listen 127.0.0.1:$NGX_PORT;
        location = $TAG_PATH { alias $NGX_DIR/www/tag.json; }
        location = $LIST_PATH { alias $NGX_DIR/www/list.json; }
    }
    # the bytes copied into the socket, as gazouillis sends them, not spliced from the file
    server {
        listen 127.0.0.1:$NGX_COPY_PORT;
        sendfile off;
        open_file_cache max=16;
        location = $TAG_PATH { alias $NGX_DIR/www/tag.json; }
        location = $LIST_PATH { alias $NGX_DIR/www/list.json; }
    }
}
EOF
        } >"$NGX_DIR/nginx.conf"
        "$NGINX" -p "$NGX_DIR/" -c "$NGX_DIR/nginx.conf" -e "$NGX_DIR/error.log" &
        NGX_PID=$!
        n=0
        until timeout 5 $GZ fetch-as "$NGX_BASE$TAG_PATH" "$TOKEN" gzip "$OUT/nginx_tag.json.gz" \
            >"$OUT/nginx_fetch.txt" 2>/dev/null && [ "$(get "$OUT/nginx_fetch.txt" status)" = 200 ]; do
            n=$((n + 1))
            [ $n -lt 100 ] && kill -0 "$NGX_PID" 2>/dev/null || break
            sleep 0.05
        done
        if cmp -s "$OUT/nginx_tag.json.gz" "$NGX_DIR/www/tag.json.gz"; then
            floor=yes
        else
            say "nginx did not serve the gzipped tag page (see $NGX_DIR/error.log): no floor"
        fi
    else
        say "could not fetch the reading bodies: no nginx floor"
    fi
else
    say "nginx is missing (apt-get install nginx): no floor"
fi
if [ $floor = yes ]; then
    CPU_PIDS="$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')"
    run warm_nginx_tag 64 "$NGX_BASE$TAG_PATH" $HERE/get.lua "$TOKEN" "$TAG_PATH"
    r=1
    while [ $r -le "$REPS" ]; do
        say "run $r of $REPS: the same bytes from nginx ($SECS s each, 64 connections)"
        run "nginx_tag_$r" 64 "$NGX_BASE$TAG_PATH" $HERE/get.lua "$TOKEN" "$TAG_PATH"
        run "nginx_list_$r" 64 "$NGX_BASE$LIST_PATH" $HERE/get.lua "$TOKEN" "$LIST_PATH"
        run "nginx_tag_copy_$r" 64 "$NGX_COPY_BASE$TAG_PATH" $HERE/get.lua "$TOKEN" "$TAG_PATH"
        run "nginx_list_copy_$r" 64 "$NGX_COPY_BASE$LIST_PATH" $HERE/get.lua "$TOKEN" "$LIST_PATH"
        run "nginx_tag_gz_$r" 64 "$NGX_BASE$TAG_PATH" $HERE/get.lua "$TOKEN" "$TAG_PATH" gzip
        run "nginx_list_gz_$r" 64 "$NGX_BASE$LIST_PATH" $HERE/get.lua "$TOKEN" "$LIST_PATH" gzip
        r=$((r + 1))
    done
    kill -TERM "$NGX_PID" 2>/dev/null && wait "$NGX_PID" 2>/dev/null
    NGX_PID=""
    CPU_PIDS=$SRV_PID
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
med() { # PREFIX KEY
    i=1
    while [ $i -le "$REPS" ]; do get "$OUT/$1_$i.txt" "$2"; i=$((i + 1)); done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# The cost: the median of each repetition's ratio (its two runs back to
# back), steadier on a shared machine than the ratio of the two medians.
cost() { # NATIVE_PREFIX MASTO_PREFIX KEY
    i=1
    while [ $i -le "$REPS" ]; do
        ratio "$(get "$OUT/$1_$i.txt" "$3")" "$(get "$OUT/$2_$i.txt" "$3")"
        echo
        i=$((i + 1))
    done | grep -v n/a | median
}
# Microseconds of server CPU per answer of one run file.
cpu_us() { # FILE
    awk -v t="$(get "$1" server_cpu_ticks)" -v n="$(get "$1" requests)" -v hz="$TICKS_PER_S" \
        'BEGIN { if (n > 0 && t != "") printf "%.1f", t * 1e6 / hz / n; else print "n/a" }'
}
cpu_med() { # PREFIX
    i=1
    while [ $i -le "$REPS" ]; do cpu_us "$OUT/$1_$i.txt"; echo; i=$((i + 1)); done | grep -v n/a | median
}
# Server CPU per Mastodon answer over per native answer, median of the repetitions' ratios.
cpu_cost() { # NATIVE_PREFIX MASTO_PREFIX
    i=1
    while [ $i -le "$REPS" ]; do
        ratio "$(cpu_us "$OUT/$2_$i.txt")" "$(cpu_us "$OUT/$1_$i.txt")"
        echo
        i=$((i + 1))
    done | grep -v n/a | median
}
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { if (v == "" || v == "n/a") { print "not measured"; exit }
    ok = (op == "<=") ? (v <= l) : (v >= l);
    print ok ? "met" : "**NOT met**" }'; }
mp=$(med masto_post ok_per_s) np=$(med native_post ok_per_s)
mp64=$(med masto_post64 ok_per_s) np64=$(med native_post64 ok_per_s)
mt=$(med masto_tag rps) nt=$(med native_posts rps)
mtz=$(med masto_tag_gz rps) ntz=$(med native_posts_gz rps)
kb() { awk -v b="$(med "$1" bytes_per_answer)" 'BEGIN { printf "%.1f", b / 1000 }'; }
bad=$(for f in "$OUT"/masto_*_*.txt "$OUT"/native_*_*.txt "$OUT"/nginx_*_*.txt; do get "$f" answers_other; get "$f" err_status; done |
    awk '{ s += $1 } END { print s + 0 }')
# every answer of the gzip runs came gzipped (else the row measures plain bytes)
ungz=$(for f in "$OUT"/*_gz_*.txt; do echo "$(get "$f" answers_ok) $(get "$f" answers_gzip)"; done |
    awk '{ s += $1 - $2 } END { print s + 0 }')
cost_post=$(cost native_post masto_post ok_per_s) cost_post64=$(cost native_post64 masto_post64 ok_per_s)
cost_tag=$(cost native_posts masto_tag rps)
cost_tagz=$(cost native_posts_gz masto_tag_gz rps)
{
    echo "| what (median of $REPS x ${SECS} s) | Mastodon API | native API | cost (native/Mastodon, median of the $REPS runs' ratios) | goal |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| posting, 8 connections (posts/s) | $mp | $np | $cost_post | <= 1.20: $(verdict "$cost_post" '<=' 1.20) |"
    echo "| posting, 64 connections (posts/s) | $mp64 | $np64 | $cost_post64 | <= 1.20: $(verdict "$cost_post64" '<=' 1.20) |"
    echo "| reading 20 posts, 64 connections, plain (pages/s) | $mt | $nt | $cost_tag | <= 1.20: $(verdict "$cost_tag" '<=' 1.20) |"
    echo "| reading 20 posts, 64 connections, Accept-Encoding: gzip as apps send (pages/s) | $mtz | $ntz | $cost_tagz | <= 1.20: $(verdict "$cost_tagz" '<=' 1.20) |"
    echo
    echo "The server's own cost: its CPU time (every thread) per answer, read from /proc around each run, so that wrk's work on the same two cores is left out:"
    echo
    echo "| server CPU per answer (us, median of $REPS) | Mastodon API | native API | cost (Mastodon/native, median of the $REPS runs' ratios) | goal |"
    echo "| --- | --- | --- | --- | --- |"
    for row in "posting, 8 connections:masto_post:native_post" "posting, 64 connections:masto_post64:native_post64" \
        "reading, plain:masto_tag:native_posts" "reading, gzip:masto_tag_gz:native_posts_gz"; do
        label=${row%%:*} rest=${row#*:}
        m=${rest%%:*} n=${rest#*:}
        c=$(cpu_cost "$n" "$m")
        echo "| $label | $(cpu_med "$m") | $(cpu_med "$n") | $c | <= 1.20: $(verdict "$c" '<=' 1.20) |"
    done
    echo
    if [ $floor = yes ]; then
        echo "The floor: the same bodies, byte for byte, as static files from nginx (gzip_static, no access log; 64 connections, median of $REPS): what those bytes cost a server that does nothing else. With sendfile (nginx's way) the page's pages are lent to the socket, a cost that hardly grows with the size but is high for each answer; copied into the socket (sendfile off, gazouillis's way) the cost grows with the bytes:"
        echo
        echo "| the same bytes from nginx | Mastodon tag page | native list | cost by throughput | cost by nginx's CPU per answer (us: Mastodon / native) |"
        echo "| --- | --- | --- | --- | --- |"
        for row in "plain, sendfile:nginx_tag:nginx_list" "plain, copied:nginx_tag_copy:nginx_list_copy" \
            "gzip, sendfile:nginx_tag_gz:nginx_list_gz"; do
            label=${row%%:*} rest=${row#*:}
            m=${rest%%:*} n=${rest#*:}
            echo "| $label (pages/s) | $(med "$m" rps) | $(med "$n" rps) | $(cost "$n" "$m" rps) | $(cpu_cost "$n" "$m") ($(cpu_med "$m") / $(cpu_med "$n")) |"
        done
    else
        echo "The floor (the same bytes from nginx) was not measured: see the messages above."
    fi
    echo
    echo "Bytes per answer (headers included): plain $(kb masto_tag) KB (Mastodon) and $(kb native_posts) KB (native); gzip $(kb masto_tag_gz) KB and $(kb native_posts_gz) KB. Answers of the gzip runs that came plain: $ungz."
    echo
    echo "| against snac2 (950 posts/s, 240 tag pages/s, at 64 connections) | gazouillis | x snac2 | goal |"
    echo "| --- | --- | --- | --- |"
    echo "| POST /api/v1/statuses, 64 connections | $mp64 | $(ratio "$mp64" 950) | >= 10: $(verdict "$(ratio "$mp64" 950)" '>=' 10) |"
    echo "| POST /api/v1/statuses, 8 connections | $mp | $(ratio "$mp" 950) | (fewer clients than snac2's figure) |"
    echo "| GET /api/v1/timelines/tag/innover, plain | $mt | $(ratio "$mt" 240) | >= 10: $(verdict "$(ratio "$mt" 240)" '>=' 10) |"
    echo "| GET /api/v1/timelines/tag/innover, gzip | $mtz | $(ratio "$mtz" 240) | >= 10: $(verdict "$(ratio "$mtz" 240)" '>=' 10) |"
    echo
    echo "Answers other than 200/201 over all runs: $bad. p99 (ms), median: statuses $(awk -v u="$(med masto_post p99_us)" 'BEGIN{printf "%.1f", u/1000}') (64 connections: $(awk -v u="$(med masto_post64 p99_us)" 'BEGIN{printf "%.1f", u/1000}')), native posts $(awk -v u="$(med native_post p99_us)" 'BEGIN{printf "%.1f", u/1000}') ($(awk -v u="$(med native_post64 p99_us)" 'BEGIN{printf "%.1f", u/1000}')), tag timeline $(awk -v u="$(med masto_tag p99_us)" 'BEGIN{printf "%.1f", u/1000}') (gzip $(awk -v u="$(med masto_tag_gz p99_us)" 'BEGIN{printf "%.1f", u/1000}')), native list $(awk -v u="$(med native_posts p99_us)" 'BEGIN{printf "%.1f", u/1000}') (gzip $(awk -v u="$(med native_posts_gz p99_us)" 'BEGIN{printf "%.1f", u/1000}'))."
} >"$OUT/summary.md"
cat "$OUT/summary.md"
if [ "${BENCH_UPDATE_RESULTS:-0}" = 1 ]; then
    $PYTHON - "$OUT/summary.md" <<'PY'
import re, sys
table = open(sys.argv[1]).read().strip()
path = "bench/RESULTS.md"
text = open(path).read()
begin, end = "<!-- mastodon:begin -->", "<!-- mastodon:end -->"
block = f"{begin}\n{table}\n{end}"
text = re.sub(re.escape(begin) + ".*?" + re.escape(end), block, text, flags=re.S) if begin in text \
    else text.rstrip() + "\n\n## Mastodon API (issue 6)\n\n`make bench-mastodon`\n\n" + block + "\n"
open(path, "w").write(text)
PY
fi
