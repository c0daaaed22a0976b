#!/usr/bin/python3
"""Compares the --dump outputs of bench_text (C) and bench_twitter_text.js (JS).

    /usr/bin/python3 bench/compare.py CORPUS C.jsonl JS.jsonl [--max 10]

A text agrees when weightedLength, valid and the entity list are the same:
for each entity its type, value (URL, tag or screen name without sigil),
list slug ("/slug" or "") and code point indices [start, end). Prints
"agreement: N/M texts identical", up to --max mismatches with the text and
what differs, and a second line for the fields not in that verdict
(permillage, display and valid ranges). Exit status 0 when all agree, 1
otherwise, 2 on bad input. Standard library only.
"""

import argparse
import json
import sys

EXTRA = ["permillage", "displayRangeStart", "displayRangeEnd", "validRangeStart", "validRangeEnd"]


def load(path, what):
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                except ValueError as e:
                    print("compare: %s line %d: %s (truncated output?)" % (path, n, e))
                    break
                out[d["i"]] = d
    except OSError as e:
        print("compare: %s output missing: %s" % (what, e))
    return out


def ents(d):
    return [(e["type"], e["value"], e.get("list", ""), tuple(e["indices"]))
            for e in d.get("entities", [])]


def fmt_ent(e):
    t, v, l, (a, b) = e
    return "%s %r%s [%d,%d)" % (t, v, " list %r" % l if l else "", a, b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("c_dump")
    ap.add_argument("js_dump")
    ap.add_argument("--max", type=int, default=10)
    a = ap.parse_args()

    with open(a.corpus, encoding="utf-8") as f:
        texts = [l for l in f.read().split("\n") if l]
    c = load(a.c_dump, "C")
    js = load(a.js_dump, "JS")
    n = len(texts)
    same = extra_same = 0
    kinds = {"missing C output": 0, "missing JS output": 0, "C error": 0,
             "weightedLength": 0, "valid": 0, "entities": 0}
    shown = []
    for i, text in enumerate(texts):
        cd, jd = c.get(i), js.get(i)
        diffs = []
        if jd is None:
            kinds["missing JS output"] += 1
            diffs.append("no JS output")
        if cd is None:
            kinds["missing C output"] += 1
            diffs.append("no C output (crash or timeout before this text?)")
        elif "error" in cd:
            kinds["C error"] += 1
            diffs.append("C: %s" % cd["error"])
        if not diffs:
            for k in ("weightedLength", "valid"):
                if cd[k] != jd[k]:
                    kinds[k] += 1
                    diffs.append("%s: C %s, JS %s" % (k, json.dumps(cd[k]), json.dumps(jd[k])))
            ce, je = ents(cd), ents(jd)
            if ce != je:
                kinds["entities"] += 1
                only_c = [e for e in ce if e not in je]
                only_js = [e for e in je if e not in ce]
                if not only_c and not only_js:
                    diffs.append("entities: same set, different order")
                for e in only_c:
                    diffs.append("entity only in C:  " + fmt_ent(e))
                for e in only_js:
                    diffs.append("entity only in JS: " + fmt_ent(e))
            if all(cd.get(k) == jd.get(k) for k in EXTRA):
                extra_same += 1
        if diffs:
            if (cd is None or jd is None) and (c or js):
                continue  # summarised below rather than listed text by text
            if len(shown) < a.max:
                shown.append((i, text, diffs))
        else:
            same += 1

    print("agreement: %d/%d texts identical" % (same, n))
    print("also: permillage and display/valid ranges identical on %d/%d texts" % (extra_same, n))
    if same != n:
        print("mismatches by kind: " + ", ".join("%s %d" % (k, v) for k, v in kinds.items() if v))
        for name, d in (("C", c), ("JS", js)):
            if not d:
                print("no %s output at all" % name)
            elif len(d) < n:
                first = min(i for i in range(n) if i not in d)
                print("%s output has %d of %d texts; the first missing is text %d: %s"
                      % (name, len(d), n, first, json.dumps(texts[first], ensure_ascii=False)))
        for i, text, diffs in shown:
            print("- text %d: %s" % (i, json.dumps(text, ensure_ascii=False)))
            for d in diffs[:8]:
                print("    " + d)
            if len(diffs) > 8:
                print("    … %d more differences" % (len(diffs) - 8))
    return 0 if same == n else 1


if __name__ == "__main__":
    sys.exit(main())
