#!/bin/sh
# bench/mastodon/ab.sh - two builds of gazouillis, A and B, posting Mastodon
# statuses in alternation: how a change to the posting path was measured on
# these shared, noisy cores (bench/RESULTS.md, "Mastodon API"). Starts both
# servers side by side on free loopback ports with temporary data
# directories (the reference event live, 20 posts), warms each up, then
# ROUNDS times runs wrk against A, then against B, for SECS seconds at CONNS
# connections, and prints each pair's statuses/s and B/A, then the median
# ratio. Only 127.0.0.1 is contacted; both servers are stopped on exit.
#
#   sh bench/mastodon/ab.sh OLD_BINARY NEW_BINARY [ROUNDS]
# Environment (optional): CONNS (64), SECS (5), SHARED (../shared), PYTHON.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ $# -ge 2 ] || { echo "usage: $0 BINARY_A BINARY_B [ROUNDS]" >&2; exit 2; }
A=$1 B=$2 ROUNDS=${3:-8}
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
PIDS="" DIRS=""
cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    for d in $DIRS; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

start() { # BINARY -> "PORT TOKEN"
    d=$(mktemp -d /tmp/gz-ab.XXXXXX)
    port=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$1" serve --listen "127.0.0.1:$port" --data "$d/data" --api-rate-limit 100000000 \
        >"$d/out" 2>"$d/log" &
    echo "$! $d $port"
}
wait_up() { # DIR
    n=0
    until grep -q "listening on" "$1/out" 2>/dev/null; do
        sleep 0.1
        n=$((n + 1))
        [ $n -lt 100 ] || { echo "a server did not start: $(cat "$1/log")" >&2; exit 1; }
    done
}
set -- $(start "$A"); PA=$1 DA=$2 PORTA=$3
set -- $(start "$B"); PB=$1 DB=$2 PORTB=$3
PIDS="$PA $PB" DIRS="$DA $DB"
wait_up "$DA"
wait_up "$DB"
TA=$("$A" token create admin --scopes "read write" --data "$DA/data" 2>/dev/null | awk '{ print $NF }')
TB=$("$B" token create admin --scopes "read write" --data "$DB/data" 2>/dev/null | awk '{ print $NF }')
for x in "$PORTA $TA" "$PORTB $TB"; do
    set -- $x
    timeout 60 $PYTHON bench/server/gz.py setup "http://127.0.0.1:$1" "$2" cooperer-2014 20 \
        "$SHARED" >/dev/null || { echo "setup failed" >&2; exit 1; }
done
run() { # PORT TOKEN TAG -> statuses/s
    timeout -k 5 $((${SECS:-5} + 30)) wrk -t2 -c"${CONNS:-64}" -d"${SECS:-5}s" \
        "http://127.0.0.1:$1/api/v1/statuses" -s bench/mastodon/status.lua -- \
        "$2" /api/v1/statuses status "$3" | sed -n 's/^ok_per_s=//p'
}
run "$PORTA" "$TA" wa >/dev/null
run "$PORTB" "$TB" wb >/dev/null
i=1 ratios=""
while [ $i -le "$ROUNDS" ]; do
    a=$(run "$PORTA" "$TA" "a$i") b=$(run "$PORTB" "$TB" "b$i")
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "n/a" }')
    echo "A $a  B $b  B/A $r"
    ratios="$ratios $r"
    i=$((i + 1))
done
echo "$ratios" | tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g |
    awk '{ v[NR] = $1 } END { if (NR) printf "median B/A over %d pairs: %.3f\n", NR,
        (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
