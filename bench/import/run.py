#!/usr/bin/python3
"""bench/import/run.py - `gazouillis import FILE --event SLUG` on 100,000
messages (issue 7's goal: under 10 seconds).

The messages are the reference document's 51, in turn, each made its own
by a number (an import skips what the event already has), so a third of
them carry a speaker prefix to attribute, as in the document. Each run
starts from an empty data directory holding the round table's event (its
nine people), imports the list and times the command from start to exit;
then imports the same file again (nothing added: every message is found
already there) and times that too. The posts are counted afterwards from
`gazouillis export`. Medians of RUNS runs; key=value lines.

  make bench-import             (RUNS=5 MESSAGES=100000 by default)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
import reference  # noqa: E402

BIN = os.environ.get("GAZOUILLIS_BIN", os.path.join(HERE, "..", "..", "build", "gazouillis"))
RUNS = int(os.environ.get("RUNS", "5"))
MESSAGES = int(os.environ.get("MESSAGES", "100000"))
SLUG = "cooperer-2014"


def gz(*args, data):
    t = time.monotonic()
    r = subprocess.run([BIN, *args, "--data", data], capture_output=True, timeout=300)
    elapsed = time.monotonic() - t
    if r.returncode != 0:
        sys.exit(f"gazouillis {' '.join(args)}: exit {r.returncode}\n{r.stderr.decode()}")
    return elapsed, r.stdout.decode()


def main():
    work = tempfile.mkdtemp(prefix="gz-bench-import-")
    try:
        doc = os.path.join(work, "event.json")
        with open(doc, "w", encoding="utf-8") as f:
            json.dump(reference.event_document(SLUG), f, ensure_ascii=False)
        base = reference.messages()
        listing = os.path.join(work, "messages.txt")
        with open(listing, "w", encoding="utf-8") as f:
            for i in range(MESSAGES):
                text = base[i % len(base)].replace(" #innover", "").rstrip()
                f.write(f"- {text} ({i + 1}) #innover\n")
        first, again, counted = [], [], None
        for run in range(RUNS):
            data = os.path.join(work, f"data{run}")
            gz("user", "add", "admin", "--role", "admin", data=data)  # makes the data directory
            gz("import", doc, data=data)
            elapsed, report = gz("import", listing, "--event", SLUG, data=data)
            first.append(elapsed)
            elapsed, report_again = gz("import", listing, "--event", SLUG, data=data)
            again.append(elapsed)
            _, exported = gz("export", SLUG, data=data)
            posts = json.loads(exported)["posts"]
            counted = len(posts)
            if counted != MESSAGES:
                sys.exit(f"run {run}: {counted} posts stored, {MESSAGES} expected\n{report}")
            attributed = sum(1 for p in posts if p.get("speaker"))
            shutil.rmtree(data)
        print(f"import.messages={MESSAGES}")
        print(f"import.runs={RUNS}")
        print(f"import.seconds_median={statistics.median(first):.2f}")
        print(f"import.seconds_min={min(first):.2f}")
        print(f"import.seconds_max={max(first):.2f}")
        print(f"import.messages_per_second={MESSAGES / statistics.median(first):.0f}")
        print(f"import.stored={counted}")
        print(f"import.attributed={attributed}")
        print(f"reimport.seconds_median={statistics.median(again):.2f}")
        print("report.first=" + " | ".join(line.strip() for line in report.splitlines()[:4]))
        print("report.again=" + " | ".join(line.strip() for line in report_again.splitlines()[:3]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
