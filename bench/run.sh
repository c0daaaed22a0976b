#!/bin/sh
# bench/run.sh - the text engine against npm twitter-text 3.1.0, in one go:
# installs twitter-text into bench/node_modules, builds the C driver,
# generates the corpus, times parse+extract on both sides (medians of
# repetitions), measures linearity, checks that both sides agree, and prints
# a summary table. `make bench` runs it.
#
# Environment (all optional):
#   BUILD             build folder of the library, default "build"
#                     (e.g. BUILD=build-bench to stay out of others' way)
#   SHARED            shared folder holding samples/, default "../shared"
#   PYTHON            default /usr/bin/python3
#   BENCH_SECONDS     seconds per repetition, default 2
#   BENCH_REPS        repetitions, default 5
#   BENCH_COUNT       generated posts, default 5000 (plus the 51 reference ones)
#   BENCH_RANDOM      texts of random syntax for the agreement check, default 20000
#   BENCH_LIN_BUDGET  seconds allowed per side for the 1 MiB linearity run, default 60
#   BENCH_UPDATE_RESULTS=1  also rewrite the results table in bench/RESULTS.md
#
# Every step runs under timeout(1) on top of the drivers' own time bounds.
# Exit status: 0 when every step ran (agreement mismatches only warn),
# 1 when a step failed (library or driver did not build, a driver crashed
# or timed out).
set -u
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
SECS=${BENCH_SECONDS:-2}
REPS=${BENCH_REPS:-5}
COUNT=${BENCH_COUNT:-5000}
LIN_BUDGET=${BENCH_LIN_BUDGET:-60}
OUT=bench/out
TT_VERSION=3.1.0
SAMPLE=$SHARED/samples/000_aefccae2ae176f54.txt

mkdir -p "$OUT"
rm -f "$OUT"/c_*.txt "$OUT"/js_*.txt "$OUT"/*.jsonl "$OUT"/agreement*.txt "$OUT"/summary.md
failed=""
fail() {
    echo "bench: FAILED: $*" >&2
    failed="$failed
- $*"
}
# get FILE KEY: the value of the last "KEY=value" line of FILE, or empty.
get() {
    [ -f "$1" ] && sed -n "s/^$2=//p" "$1" | tail -n 1
}
# step NAME SECONDS CMD...: runs CMD under a timeout, stdout to $OUT/NAME.txt.
step() {
    name=$1 limit=$2
    shift 2
    timeout -k 5 "$limit" "$@" >"$OUT/$name.txt"
    rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        fail "$name: timed out after $limit s"
    elif [ $rc -ne 0 ]; then
        fail "$name: exit status $rc"
    fi
    return $rc
}

# ---- 1. twitter-text ----
have=$(cd bench && node -p "require('twitter-text/package.json').version" 2>/dev/null)
if [ "$have" != "$TT_VERSION" ]; then
    echo "bench: installing twitter-text@$TT_VERSION into bench/node_modules" >&2
    timeout 300 npm install --prefix bench --no-audit --no-fund --ignore-scripts --loglevel=error \
        >&2 || fail "npm install twitter-text@$TT_VERSION"
fi

# ---- 2. the library and the C driver ----
C_OK=0
echo "bench: building $BUILD/libgztext.a and $OUT/bench_text" >&2
# While fuzz/fuzz.mk (included by the Makefile) is not there yet, make finds
# an empty stand-in through -I, so that the library still builds.
MAKE_I=""
if [ ! -f fuzz/fuzz.mk ]; then
    mkdir -p "$OUT/mk/fuzz" && : >"$OUT/mk/fuzz/fuzz.mk"
    MAKE_I="-I $OUT/mk"
    echo "bench: fuzz/fuzz.mk missing, using an empty stand-in for this build" >&2
fi
if ! make --no-print-directory $MAKE_I BUILD="$BUILD" "$BUILD/libgztext.a" >&2; then
    fail "make $BUILD/libgztext.a"
elif ! ${CC:-cc} -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Isrc \
    -o "$OUT/bench_text" bench/bench_text.c "$BUILD/libgztext.a" \
    $(pkg-config --libs libutf8proc libpcre2-8 jansson) -lm 2>"$OUT/c_link_errors.txt"; then
    undef=$(grep -o "undefined reference to \`[^']*'" "$OUT/c_link_errors.txt" |
        sed "s/.*\`//; s/'//" | sort -u | tr '\n' ' ')
    if [ -n "$undef" ]; then
        fail "C driver does not link, engine incomplete: undefined $undef"
    else
        cat "$OUT/c_link_errors.txt" >&2
        fail "C driver does not build (see $OUT/c_link_errors.txt)"
    fi
else
    C_OK=1
fi

# ---- 3. the corpus ----
if ! "$PYTHON" bench/make_corpus.py --sample "$SAMPLE" --out "$OUT/corpus.txt" --count "$COUNT" >&2
then
    fail "corpus generation"
    echo "bench: no corpus, stopping" >&2
    exit 1
fi
CORPUS=$OUT/corpus.txt

# ---- 4. throughput, then linearity, then the dumps: C first, then JS ----
BENCH_LIMIT=$(awk -v s="$SECS" -v r="$REPS" 'BEGIN { printf "%d", s * r + 4 * s + 60 }')
LIN_LIMIT=$(awk -v b="$LIN_BUDGET" -v s="$SECS" 'BEGIN { printf "%d", b + 4 * s + 60 }')
opts="--seconds $SECS --reps $REPS"
if [ $C_OK = 1 ]; then
    echo "bench: C, parse+extract, $REPS x $SECS s" >&2
    step c_bench "$BENCH_LIMIT" "$OUT/bench_text" bench "$CORPUS" $opts --warmup 1
fi
echo "bench: JS, parse+extract, $REPS x $SECS s (after a 2 s warm-up)" >&2
step js_bench "$BENCH_LIMIT" node bench/bench_twitter_text.js bench "$CORPUS" $opts --warmup 2
if [ $C_OK = 1 ]; then
    echo "bench: C, linearity" >&2
    step c_lin "$LIN_LIMIT" "$OUT/bench_text" linearity "$CORPUS" --seconds "$SECS" \
        --budget "$LIN_BUDGET"
fi
echo "bench: JS, linearity (budget $LIN_BUDGET s)" >&2
step js_lin "$LIN_LIMIT" node bench/bench_twitter_text.js linearity "$CORPUS" --seconds "$SECS" \
    --budget "$LIN_BUDGET"
if [ $C_OK = 1 ]; then
    step c_dump 300 "$OUT/bench_text" dump "$CORPUS" "$OUT/c.jsonl"
fi
step js_dump 300 node bench/bench_twitter_text.js dump "$CORPUS" "$OUT/js.jsonl"

# ---- 5. agreement: the corpus, then random pieces of syntax ----
"$PYTHON" bench/compare.py "$CORPUS" "$OUT/c.jsonl" "$OUT/js.jsonl" >"$OUT/agreement.txt"
agree=$(sed -n 's/^agreement: //p' "$OUT/agreement.txt")
RANDOM_TEXTS=$OUT/random.txt
if "$PYTHON" bench/make_random.py --out "$RANDOM_TEXTS" --count "${BENCH_RANDOM:-20000}"; then
    [ $C_OK = 1 ] && step c_rdump 300 "$OUT/bench_text" dump "$RANDOM_TEXTS" "$OUT/c_random.jsonl"
    step js_rdump 300 node bench/bench_twitter_text.js dump "$RANDOM_TEXTS" "$OUT/js_random.jsonl"
    "$PYTHON" bench/compare.py "$RANDOM_TEXTS" "$OUT/c_random.jsonl" "$OUT/js_random.jsonl" \
        >"$OUT/agreement_random.txt"
    agree_random=$(sed -n 's/^agreement: //p' "$OUT/agreement_random.txt")
else
    fail "random texts"
fi

# ---- 6. summary ----
num() { # thousands separators, or "n/a"
    [ -n "$1" ] && echo "$1" | awk '{ s = sprintf("%.0f", $1); r = "";
        while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
        print s r }' || echo "n/a"
}
or_na() { [ -n "$1" ] && echo "$1" || echo "n/a"; }
ratio() { # a / b with one decimal, or n/a
    if [ -n "$1" ] && [ -n "$2" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'
    else
        echo "n/a"
    fi
}
big_cell() { # FILE PREFIX: ns/byte at 1 MiB, or what was reached
    v=$(get "$1" "$2.lin.big_ns_per_byte")
    if [ -z "$v" ]; then
        echo "n/a"
    elif [ "$(get "$1" "$2.lin.big_complete")" = 1 ]; then
        echo "$v"
    else
        echo "$v (at $(get "$1" "$2.lin.big_bytes") bytes; 1 MiB skipped, over ${LIN_BUDGET} s)"
    fi
}
c_tps=$(get "$OUT/c_bench.txt" c.texts_per_s_median)
js_tps=$(get "$OUT/js_bench.txt" js.texts_per_s_median)
c_ratio=$(ratio "$c_tps" "$js_tps")
target="n/a"
if [ -n "$c_tps" ] && [ -n "$js_tps" ]; then
    target=$(awk -v a="$c_tps" -v b="$js_tps" 'BEGIN { print (a >= 20 * b) ? "met" : "NOT met" }')
fi
ntexts=$(wc -l <"$CORPUS" | tr -d ' ')
{
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) cores;" \
        "corpus $ntexts posts ($(wc -c <"$CORPUS" | tr -d ' ') bytes);" \
        "median of $REPS repetitions of $SECS s each; node $(node --version)," \
        "twitter-text $TT_VERSION; library from $BUILD/."
    echo
    echo "| measure | C (libgztext) | JS (twitter-text $TT_VERSION) | C/JS |"
    echo "|---|---:|---:|---:|"
    echo "| parse+extract, texts/s (median) | $(num "$c_tps") | $(num "$js_tps") | $c_ratio |"
    echo "| texts per CPU-second (median) |" \
        "$(num "$(get "$OUT/c_bench.txt" c.cpu_texts_per_s_median)") |" \
        "$(num "$(get "$OUT/js_bench.txt" js.cpu_texts_per_s_median)") |" \
        "$(ratio "$(get "$OUT/c_bench.txt" c.cpu_texts_per_s_median)" "$(get "$OUT/js_bench.txt" js.cpu_texts_per_s_median)") |"
    echo "| texts/s, slowest..fastest repetition |" \
        "$(num "$(get "$OUT/c_bench.txt" c.texts_per_s_min)")..$(num "$(get "$OUT/c_bench.txt" c.texts_per_s_max)") |" \
        "$(num "$(get "$OUT/js_bench.txt" js.texts_per_s_min)")..$(num "$(get "$OUT/js_bench.txt" js.texts_per_s_max)") |" \
        "$(ratio "$(get "$OUT/c_bench.txt" c.texts_per_s_max)" "$(get "$OUT/js_bench.txt" js.texts_per_s_max)") (fastest) |"
    echo "| ns per text (median) | $(or_na "$(get "$OUT/c_bench.txt" c.ns_per_text_median)") |" \
        "$(or_na "$(get "$OUT/js_bench.txt" js.ns_per_text_median)") | |"
    echo "| linearity: ns/byte, 140-character texts |" \
        "$(or_na "$(get "$OUT/c_lin.txt" c.lin.small_ns_per_byte)") |" \
        "$(or_na "$(get "$OUT/js_lin.txt" js.lin.small_ns_per_byte)") | |"
    echo "| linearity: ns/byte, one ~1 MiB text | $(big_cell "$OUT/c_lin.txt" c) |" \
        "$(big_cell "$OUT/js_lin.txt" js) | |"
    echo "| linearity: ratio 1 MiB / 140-character |" \
        "$(or_na "$(get "$OUT/c_lin.txt" c.lin.ratio)") |" \
        "$(or_na "$(get "$OUT/js_lin.txt" js.lin.ratio)") | |"
    echo "| linearity: growth exponent, 16 KiB..1 MiB (1 = linear) |" \
        "$(or_na "$(get "$OUT/c_lin.txt" c.lin.growth_exponent)") |" \
        "$(or_na "$(get "$OUT/js_lin.txt" js.lin.growth_exponent)") | |"
    echo
    echo "Target C/JS >= 20x: $target."
    echo
    echo "agreement: $(or_na "$agree")"
    echo "agreement on random syntax: $(or_na "${agree_random:-}")" \
        "(known differences: README.md, \"How exact, how fast\")"
    if [ -n "$failed" ]; then
        echo
        echo "Steps that failed:$failed"
    fi
} >"$OUT/summary.md"

echo
echo "==== bench summary ===="
cat "$OUT/summary.md"
if [ -n "$agree" ] && [ "$(echo "$agree" | awk '{ split($1, a, "/"); print (a[1] == a[2]) }')" != 1 ]; then
    echo
    echo "WARNING: C and JS disagree; the details ($OUT/agreement.txt):"
    grep -v '^agreement:' "$OUT/agreement.txt"
fi
if [ -s "$OUT/agreement_random.txt" ]; then
    echo
    echo "Random syntax, where C and JS differ ($OUT/agreement_random.txt):"
    grep -v '^agreement:' "$OUT/agreement_random.txt" | head -n 40
fi

if [ "${BENCH_UPDATE_RESULTS:-0}" = 1 ]; then
    "$PYTHON" - "$OUT/summary.md" bench/RESULTS.md <<'EOF'
import sys
summary, results = sys.argv[1], sys.argv[2]
new = open(summary, encoding="utf-8").read().rstrip("\n")
text = open(results, encoding="utf-8").read()
begin, end = "<!-- results:begin -->", "<!-- results:end -->"
a, b = text.index(begin) + len(begin), text.index(end)
open(results, "w", encoding="utf-8").write(text[:a] + "\n" + new + "\n" + text[b:])
print("bench: results table written to " + results, file=sys.stderr)
EOF
fi

[ -z "$failed" ]
