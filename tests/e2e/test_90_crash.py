"""tests/e2e/test_90_crash.py - nothing lost when the server is killed.

Client threads write without pause - posts through the native API,
statuses through the Mastodon API (with an Idempotency-Key), comments
(some replying to earlier ones) and likes of comments - while the test
kills the server with SIGKILL at random moments and starts it again on
the same data directory, GAZOUILLIS_CRASH_KILLS times (20 by default).
Then, with the server stopped cleanly, it reads the database (read-only)
and checks that:

- every write that got its success answer is there, by id and text, with
  what goes with it (a post's tags, its change-log row, its search entry;
  a status's idempotency key; a reply's parent; a like's row);
- every write sent without an answer is there whole or not at all, and
  nothing is there that was never sent, nor anything twice;
- the counters kept by triggers agree with the rows they count, and
  PRAGMA integrity_check says ok, PRAGMA foreign_key_check nothing.

It runs with the default durability (WAL, synchronous=NORMAL) and with
--sync full. The kill moments come from a seed, printed, that
GAZOUILLIS_CRASH_SEED replays.
"""
import os
import random
import re
import signal
import sqlite3
import threading
import time

import pytest
import requests

import reference
from conftest import Server

KILLS = int(os.environ.get("GAZOUILLIS_CRASH_KILLS", "20"))
SLUG = "crash"
MARK = "crashtest"  # in every text this test writes, and in nothing else


def auth(token):
    return {"Authorization": f"Bearer {token}"}


class Ledger:
    """What the clients sent and what they were answered, thread-safe.

    Each write is (kind, key, sent) where key identifies it without an
    answer (a post's or comment's text, a like's comment id) and outcome is
    "acked" (with the id the answer gave), "refused" (the connection was
    refused: the server was down, nothing was sent), "lost" (sent, no
    answer) or "failed" (an answer that is not a success).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.writes = []
        self.comments_acked = []  # ids of acknowledged comments, for replies and likes

    def add(self, kind, key, outcome, ident=None, extra=None):
        with self.lock:
            self.writes.append((kind, key, outcome, ident, extra or {}))
            if kind == "comment" and outcome == "acked":
                self.comments_acked.append(ident)

    def count(self, outcome=None, kind=None):
        with self.lock:
            return sum(1 for w in self.writes
                       if (outcome is None or w[2] == outcome) and (kind is None or w[0] == kind))

    def pick_comment(self, rng):
        with self.lock:
            return rng.choice(self.comments_acked) if self.comments_acked else None


def send(ledger, kind, key, extra, do):
    """Runs do() (one request); records its outcome; returns the response or None."""
    try:
        r = do()
    except requests.ConnectionError as e:
        refused = "Connection refused" in str(e) or "NewConnectionError" in str(e)
        ledger.add(kind, key, "refused" if refused else "lost", extra=extra)
        time.sleep(0.02)  # the server is down or going: let it come back
        return None
    except requests.RequestException:
        ledger.add(kind, key, "lost", extra=extra)
        return None
    ok = r.status_code in (200, 201)
    ident = None
    if ok:
        body = r.json()
        ident = str(body["id"]) if "id" in body else key
    ledger.add(kind, key, "acked" if ok else "failed", ident,
               dict(extra, status=r.status_code, body=r.text[:200]))
    return r


def client(base, kind, n, tokens, ledger, stop, seed):
    """One client thread: writes of one kind until stop is set."""
    rng = random.Random(seed)
    s = requests  # a connection per request: "lost" is then one the server had accepted
    i = 0
    while not stop.is_set():
        i += 1
        word = f"k{kind[0]}{n}x{i}"  # unique: found again by search
        text = f"{MARK} {word} il faut travailler ensemble #innover #t{kind[0]}{n}"
        if kind == "post":
            send(ledger, kind, text, {}, lambda: s.post(
                f"{base}/api/v1/events/{SLUG}/posts", json={"text": text},
                headers=auth(tokens["admin"]), timeout=10))
        elif kind == "status":
            key = f"crash-{n}-{i}"
            send(ledger, kind, text, {"key": key}, lambda: s.post(
                f"{base}/api/v1/statuses", data={"status": text},
                headers={**auth(tokens["masto"]), "Idempotency-Key": key}, timeout=10))
        elif kind == "comment":
            parent = ledger.pick_comment(rng) if i % 3 == 0 else None
            payload = {"body": text}
            if parent is not None:
                payload["parent_id"] = parent
            send(ledger, kind, text, {"parent": parent}, lambda: s.post(
                f"{base}/api/v1/events/{SLUG}/comments", json=payload,
                headers=auth(tokens["member"]), timeout=10))
        else:  # like: another member likes an acknowledged comment, each at most once
            target = ledger.pick_comment(rng)
            with ledger.lock:
                liked = {w[1] for w in ledger.writes if w[0] == "like"}
            if target is None or target in liked:
                time.sleep(0.01)
                continue
            send(ledger, kind, target, {}, lambda: s.post(
                f"{base}/api/v1/events/{SLUG}/comments/{target}/like",
                headers=auth(tokens["liker"]), timeout=10))


def start(binary, data, log, port, sync):
    return Server(binary, data, log, "--sync", sync, "--api-rate-limit", "100000000",
                  "--comments-per-address", "100000", "--comments-per-account", "100000",
                  port=port)


def expected_tags(text):
    return {t.lower() for t in re.findall(r"#(\w+)", text)}


def check_database(path, ledger, admin_id, liker_id):
    """The checks of the module docstring on the stopped server's database; the figures."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        posts = {}
        for pid, text, state, account in db.execute(
                "SELECT id, text, state, account_id FROM posts WHERE text LIKE ?", (f"%{MARK}%",)):
            assert text not in posts, f"written twice: {text!r}"
            posts[text] = (str(pid), state, account)
        comments = {}
        for cid, body, parent, state, html in db.execute(
                "SELECT id, body, parent_id, state, html FROM comments WHERE body LIKE ?",
                (f"%{MARK}%",)):
            assert body not in comments, f"written twice: {body!r}"
            comments[body] = (str(cid), None if parent is None else str(parent), state, html)
        likes = {str(c) for (c,) in db.execute(
            "SELECT comment_id FROM comment_likes WHERE account_id = ?", (liker_id,))}
        keys = {k: str(p) for k, p in db.execute(
            "SELECT key, post_id FROM idempotency WHERE account_id = ?", (admin_id,))}

        sent = {"post": set(), "status": set(), "comment": set(), "like": set()}
        figures = {"acked": 0, "present": 0, "absent": 0, "checked": 0}
        for kind, key, outcome, ident, extra in ledger.writes:
            sent[kind].add(key)
            stored = {"post": posts, "status": posts, "comment": comments,
                      "like": dict.fromkeys(likes, True)}[kind].get(key)
            if outcome == "acked":
                figures["acked"] += 1
                assert stored is not None, f"acknowledged {kind} lost: {key!r} ({ident})"
                if kind in ("post", "status", "comment"):
                    assert stored[0] == ident, (kind, key, stored, ident)
            elif outcome == "failed":
                # an answer that is not a success: the write must not be there
                assert stored is None, f"refused {kind} stored: {key!r} {extra}"
            elif outcome == "lost":
                figures["present" if stored is not None else "absent"] += 1
            else:  # refused: never sent
                assert stored is None, f"{kind} stored though never sent: {key!r}"
            if kind == "comment" and stored is not None:
                assert stored[1] == extra["parent"], f"reply with another parent: {key!r}"
                assert stored[2] == "approved" and stored[3], stored
            if kind == "status" and stored is not None:
                assert keys.get(extra["key"]) == stored[0], f"status without its key: {key!r}"
            figures["checked"] += 1
        # nothing stored that was never sent
        assert set(posts) <= sent["post"] | sent["status"]
        assert set(comments) <= sent["comment"]
        assert likes <= sent["like"]
        # what goes with each post, whole
        for text, (pid, state, account) in posts.items():
            assert state == "visible"
            tags = {t for (t,) in db.execute("SELECT tag FROM post_tags WHERE post_id = ?",
                                             (pid,))}
            assert tags == expected_tags(text), (text, tags)
            assert db.execute("SELECT count(*) FROM post_changes WHERE post_id = ? AND "
                              "kind = 'post'", (pid,)).fetchone()[0] == 1, text
            word = text.split()[1]
            found = {str(r) for (r,) in db.execute(
                "SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?", (word,))}
            assert found == {pid}, f"search does not find {text!r}: {found}"
        assert db.execute("SELECT count(*) FROM posts_fts_pending").fetchone()[0] == 0
        # counters kept by triggers agree with what they count
        assert db.execute(
            "SELECT count(*) FROM comments c WHERE likes <> "
            "(SELECT count(*) FROM comment_likes l WHERE l.comment_id = c.id)").fetchone()[0] == 0
        assert db.execute(
            "SELECT count(*) FROM accounts a WHERE posts_count <> "
            "(SELECT count(*) FROM posts p WHERE p.account_id = a.id AND p.state = 'visible')"
        ).fetchone()[0] == 0
        # every idempotency key names one of our statuses, and every status has its key
        assert sorted(keys.values()) == sorted(p[0] for t, p in posts.items()
                                               if t in sent["status"])
        return figures
    finally:
        db.close()


def api_check(srv, ledger):
    """The acknowledged posts and comments, as the restarted server shows them."""
    posts, url = {}, srv.url(f"/api/v1/events/{SLUG}/posts?limit=200")
    while url:
        r = requests.get(url, timeout=30)
        assert r.status_code == 200, r.text
        posts.update((p["id"], p["text"]) for p in r.json())
        m = re.search(r"<([^>]+)>; rel=\"next\"", r.headers.get("Link", ""))
        url = srv.url(m.group(1)) if m else None
    r = requests.get(srv.url(f"/api/v1/events/{SLUG}/comments"), timeout=30)
    assert r.status_code == 200, r.text
    comments = {c["id"]: c["body"] for c in r.json()}
    for kind, key, outcome, ident, _ in ledger.writes:
        if outcome == "acked" and kind in ("post", "status"):
            assert posts.get(ident) == key, (kind, ident, key)
        elif outcome == "acked" and kind == "comment":
            if ident not in comments:  # the list stops at 5,000 (STORE_MAX_COMMENTS)
                r = requests.get(srv.url(f"/api/v1/events/{SLUG}/comments/{ident}"), timeout=30)
                assert r.status_code == 200, (ident, key, r.text)
                comments[ident] = r.json()["body"]
            assert comments.get(ident) == key, (kind, ident, key)


@pytest.mark.parametrize("sync", ["normal", "full"])
def test_sigkill_loses_no_acknowledged_write_and_leaves_nothing_half(gazouillis, tmp_path, sync):
    seed = int(os.environ.get("GAZOUILLIS_CRASH_SEED", random.randrange(1 << 32)))
    print(f"\ncrash[{sync}]: seed {seed} (GAZOUILLIS_CRASH_SEED={seed} replays the kills)")
    rng = random.Random(seed)
    data, log = tmp_path / "data", tmp_path / "server.log"
    srv = start(gazouillis, data, log, None, sync)
    port = srv.port
    assert f"synchronous={sync.upper()}" in srv.read_log()
    tokens = {"admin": srv.token("admin"), "member": srv.user("lectrice"),
              "liker": srv.user("aimeur")}
    r = srv.cli("token", "create", "admin", "--scopes", "read write")
    assert r.returncode == 0, r
    tokens["masto"] = r.stdout.decode().strip().split()[-1]
    r = requests.post(srv.url("/api/v1/events"), json=reference.event_document(SLUG),
                      headers=auth(tokens["admin"]), timeout=10)
    assert r.status_code == 201, r.text

    ledger, stop = Ledger(), threading.Event()
    kinds = ["post", "post", "status", "status", "comment", "comment", "like"]
    threads = [threading.Thread(target=client, daemon=True,
                                args=(srv.base, kind, n, tokens, ledger, stop, seed + n))
               for n, kind in enumerate(kinds)]
    began = time.monotonic()
    for th in threads:
        th.start()
    restarts = []
    try:
        for _ in range(KILLS):
            # some writes answered in this life, then a random moment
            acked = ledger.count("acked")
            deadline = time.monotonic() + 10
            while ledger.count("acked") < acked + 5 and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.5))
            srv.proc.send_signal(signal.SIGKILL)
            assert srv.proc.wait(timeout=10) == -signal.SIGKILL
            srv.log.close()
            t = time.monotonic()
            srv = start(gazouillis, data, log, port, sync)
            restarts.append(time.monotonic() - t)
        # one more life under load, then the clients stop and the server with them
        acked, deadline = ledger.count("acked"), time.monotonic() + 10
        while ledger.count("acked") < acked + 20 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=30)
    elapsed = time.monotonic() - began
    api_check(srv, ledger)
    assert srv.stop() == 0
    text = srv.read_log()
    assert "malformed" not in text and "corrupt" not in text, text[-4000:]

    failed = [w for w in ledger.writes if w[2] == "failed"]
    assert not failed, f"{len(failed)} writes answered with an error: {failed[:5]}"
    db = sqlite3.connect(f"file:{data}/gazouillis.db?mode=ro", uri=True)
    ids = dict(db.execute("SELECT username, id FROM accounts"))
    db.close()
    figures = check_database(data / "gazouillis.db", ledger, ids["admin"], ids["aimeur"])
    by_kind = {k: ledger.count("acked", k) for k in ("post", "status", "comment", "like")}
    print(f"crash[{sync}]: {KILLS} kills in {elapsed:.1f} s, restart {min(restarts):.2f}-"
          f"{max(restarts):.2f} s; {figures['acked']} writes acknowledged ({by_kind}), "
          f"{figures['acked'] / elapsed:.0f}/s; {figures['checked']} writes checked; "
          f"{figures['present'] + figures['absent']} in flight at a kill: "
          f"{figures['present']} present whole, {figures['absent']} absent; "
          f"{ledger.count('refused')} refused while down")
    assert figures["acked"] >= KILLS * 5
    assert figures["present"] + figures["absent"] > 0  # the kills did hit writes in flight
