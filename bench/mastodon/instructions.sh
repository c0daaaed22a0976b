#!/bin/sh
# bench/mastodon/instructions.sh - the user-space instructions a build
# spends per answer on the two reading endpoints (the Mastodon tag
# timeline and the native list of an event's posts, both cached pages),
# counted by valgrind's callgrind: unlike a time on these shared cores,
# the count is the same from run to run, so a change of a few percent in
# the server's own code can be seen (the kernel's share, most of the cost
# of a page, is not counted). Starts BINARY on a free loopback port with a
# temporary data directory, creates the reference event with 20 posts,
# reads each endpoint 50 times to warm the cache, then counts N (default
# 2000) answers of each, on one keep-alive connection, with
# "Accept-Encoding: ENCODING" (identity by default, or gzip).
#
#   sh bench/mastodon/instructions.sh BINARY [N] [ENCODING]
#
# Prints, per endpoint: the process's instructions per answer and the
# handler's own (masto_timeline_tag, api_posts_list) with what it calls.
# Needs valgrind (apt-get install valgrind). Only 127.0.0.1 is contacted.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=$(realpath "$1")
N=${2:-2000}
ENC=${3:-identity}
PYTHON=${PYTHON:-/usr/bin/python3}
SHARED=${SHARED:-../shared}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
D=$(mktemp -d /tmp/gz-instr.XXXXXX)
P=""
cleanup() {
    [ -n "$P" ] && kill "$P" 2>/dev/null && wait "$P" 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
PORT=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
valgrind --tool=callgrind --callgrind-out-file="$D/cg.%p" "$BIN" serve --listen "127.0.0.1:$PORT" \
    --data "$D/data" --api-rate-limit 100000000 >"$D/out" 2>"$D/log" &
P=$!
n=0
until grep -q "listening on" "$D/out" 2>/dev/null; do
    sleep 0.2
    n=$((n + 1))
    [ $n -lt 300 ] || { echo "instructions.sh: the server did not start" >&2; exit 1; }
done
TOKEN=$("$BIN" token create admin --scopes "read write" --data "$D/data" 2>/dev/null | awk '{ print $NF }')
timeout 300 $PYTHON bench/server/gz.py setup "http://127.0.0.1:$PORT" "$TOKEN" cooperer-2014 20 "$SHARED" \
    >/dev/null || { echo "instructions.sh: setup failed" >&2; exit 1; }
cat >"$D/get.py" <<PY
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", $PORT, timeout=30)
headers = {"Authorization": "Bearer $TOKEN", "Accept-Encoding": "$ENC"}
for i in range(int(sys.argv[1])):
    c.request("GET", sys.argv[2], headers=headers)
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"GET {sys.argv[2]}: {r.status}")
PY
for what in "tag /api/v1/timelines/tag/innover masto_timeline_tag" \
    "list /api/v1/events/cooperer-2014/posts api_posts_list"; do
    set -- $what
    timeout 300 $PYTHON "$D/get.py" 50 "$2" || exit 1
    callgrind_control -z "$P" >/dev/null 2>&1
    timeout 600 $PYTHON "$D/get.py" "$N" "$2" || exit 1
    callgrind_control -d "$1" "$P" >/dev/null 2>&1
    f=$(ls "$D"/cg.*.* | tail -n 1)
    callgrind_annotate --inclusive=yes "$f" 2>/dev/null | awk -v n="$N" -v name="$1" -v path="$2" -v fn="$3" '
        { v = $1; gsub(",", "", v) }
        /PROGRAM TOTALS/ { total = v }
        index($0, ":" fn " [") && handler == "" { handler = v }
        END { printf "%s (%s, %s answers): %d instructions per answer, %d in %s\n",
                  name, path, n, total / n, handler / n, fn }'
    mv "$f" "$D/done.$1"
done
