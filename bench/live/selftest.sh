#!/bin/sh
# bench/live/selftest.sh - checks bench/live/streamload against the fake server
# (bench/live/fake_sse_server.py), so that the client can be trusted before
# the real streams exist: builds it into $BUILD/streamload, then runs it at
# 100 streams (refusals, then every misbehaviour the fake server knows:
# fragmented chunks, multi-line data, CRLF, duplicates, out-of-order and
# foreign events, dropped streams, big events), without chunking, and at
# 2,000 streams; each run's key=value output is checked against what the
# fake server was told to do. Only 127.0.0.1; every run under timeout(1);
# the fake server is stopped on exit whatever happens.
#
# Environment: BUILD (default build), PYTHON (default /usr/bin/python3),
# SELFTEST_BIG=1 also runs 10,000 streams (needs ulimit -Hn >= 10,016).
# Exit status 0 when every check passed.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=$(mktemp -d /tmp/streamload-selftest.XXXXXX)
SRV_PID=""
failed=0

cleanup() {
    if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
        kill -TERM "$SRV_PID" 2>/dev/null
        wait "$SRV_PID" 2>/dev/null
    fi
    rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$BUILD"
cc -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE -o "$BUILD/streamload" bench/live/streamload.c ||
    exit 1

get() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# run NAME STREAMS "SERVER FLAGS" CLIENT FLAGS...: output in $OUT/NAME.txt
run() {
    name=$1 n=$2 sflags=$3
    shift 3
    $PYTHON bench/live/fake_sse_server.py $sflags >"$OUT/srv.out" 2>"$OUT/$name.srv" &
    SRV_PID=$!
    i=0
    while ! grep -q '^pid=' "$OUT/srv.out" 2>/dev/null && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    port=$(get "$OUT/srv.out" port)
    echo "selftest: $name: $n streams, fake server$sflags" >&2
    timeout 120 "$BUILD/streamload" --port "$port" --slug demo --token secret --streams "$n" \
        --pid "$SRV_PID" "$@" >"$OUT/$name.txt" 2>"$OUT/$name.err" ||
        { echo "selftest: $name: streamload failed: $(cat "$OUT/$name.err")" >&2; failed=1; }
    kill -TERM "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    SRV_PID=""
}

# want NAME KEY=VALUE...: each key of NAME's output has that value
want() {
    name=$1
    shift
    for kv in "$@"; do
        v=$(get "$OUT/$name.txt" "${kv%%=*}")
        if [ "$v" != "${kv#*=}" ]; then
            echo "selftest: $name: ${kv%%=*} is '$v', want '${kv#*=}'" >&2
            failed=1
        fi
    done
}

show() { # NAME: the figures worth a glance
    grep -E '^(streams_open|streams_refused|refused_statuses|deliveries|deliveries_missing|duplicates|out_of_order|p50_ms|p99_ms|negative|rss_per_stream_kb|client_hwm_kb)=' \
        "$OUT/$1.txt" | tr '\n' ' ' >&2
    echo >&2
}

FAST="--posts 10 --interval-ms 100 --hold-s 0.5 --timeout-s 10"

run refuse 100 " --refuse-every 10" $FAST
want refuse streams_open=90 streams_refused=10 refused_statuses=429:10 connect_failures=0 \
    posts=10 deliveries_expected=900 deliveries=900 deliveries_missing=0 duplicates=0 \
    out_of_order=0 other_events=270 foreign_events=0 unparsed_events=0 protocol_errors=0
show refuse

# posts 4 and 8 held back (out of order), 5 and 10 twice, a foreign post after
# 3, 6 and 9, every 10th of the 90 streams dropped after the first post
run misbehave 100 " --refuse-every 10 --refuse-status 503 --fragment --multiline --crlf \
--chunked-post --order mixed --duplicate-every 5 --delay-every 4 --foreign-every 3 \
--drop-every 10 --pad-bytes 20000" $FAST
want misbehave streams_open=90 refused_statuses=503:10 streams_closed_early=9 \
    deliveries_expected=900 deliveries=810 deliveries_missing=90 duplicates=162 \
    out_of_order=162 foreign_events=243 other_events=243 unparsed_events=0 protocol_errors=0
show misbehave

run identity 100 " --identity --order reply-first" $FAST
want identity streams_open=100 deliveries=1000 deliveries_missing=0 duplicates=0 negative=0 \
    protocol_errors=0
show identity

run s2000 2000 " --refuse-every 10" --posts 20 --interval-ms 500 --hold-s 2 --timeout-s 10
want s2000 streams_open=1800 streams_refused=200 refused_statuses=429:200 connect_failures=0 \
    posts=20 deliveries_expected=36000 deliveries=36000 deliveries_missing=0 duplicates=0 \
    out_of_order=0 streams_closed_early=0 protocol_errors=0
show s2000

if [ "${SELFTEST_BIG:-0}" = 1 ]; then
    run s10000 10000 " --order reply-first" --posts 10 --interval-ms 1000 --hold-s 2 --timeout-s 20
    want s10000 streams_open=10000 deliveries=100000 deliveries_missing=0 duplicates=0
    show s10000
fi

[ $failed = 0 ] && echo "selftest: all checks passed" >&2
exit $failed
