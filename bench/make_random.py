#!/usr/bin/python3
"""Writes texts made of random pieces of link, hashtag, mention and emoji
syntax, one per line, for the agreement check of bench/run.sh: where the
realistic corpus agrees easily, these find the corners (scripts mixed into
hosts, signs glued together, astral characters before a link).

    /usr/bin/python3 bench/make_random.py --out FILE [--count N] [--seed S]

Deterministic for a seed. Standard library only; no text holds a line break.
"""

import argparse
import random

PIECES = [
    "http://", "https://", "HTTP://", "www.", "example", "twitter", ".com", ".co", ".jp", ".uk",
    ".みんな", "t.co/", "/", "?", "=", "&", "#", "＃", "@", "＠", "$", "RT", ":", " ", " ", " ",
    "-", "_", ".", "(", ")", "é", "É", "日本", "語", "😷", "👨‍👩‍👧", "\u0301", "a", "b", "Z",
    "1", "2014", "xn--", "xn--p1ai", "みんな", "\u200d", "\ufe0f", "1\u20e3", "'", '"', "ab_c",
    "中国", "ру", "рф", "~", "!", ",", "%20", "#innover", "@user", "/list", "$GOOG", "..", "foo",
    "bar", "ü", "Ω", "\u202a", "\u2066", "\ufeff", "©", "©\ufe0f", "🇫🇷", "🏽", "👍", "ñ", "á",
    "A\u0301", "\u3000", "\u00a0", ";", "*", "+", "|", "[", "]", "ｃｏｍ", "com", "org", "net",
    "io", "ly", "bit", ":80", "//", "://", "-foo", "foo-", "a.b", "_x", "x_", "@eric@example.org",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20141120)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as f:
        for _ in range(args.count):
            f.write("".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 25))) + "\n")


if __name__ == "__main__":
    main()
