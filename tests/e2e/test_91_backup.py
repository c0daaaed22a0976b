"""tests/e2e/test_91_backup.py - gazouillis backup while clients post, and
gazouillis restore.

A backup taken under load (client threads posting and commenting) holds
every write acknowledged before it began, nothing that was never sent, and
each post whole (its tags, its change-log row); restored into a new data
directory, it passes integrity_check and serves the event and its posts
through the API, and takes new posts. Around it: an existing file is not
replaced without --force, a restore is refused while a server has the
database open, and a backup to a full file system fails with words and
leaves no file behind.
"""
import os
import re
import sqlite3
import subprocess
import threading
import time

import pytest
import requests

import reference
from conftest import Server, run

SLUG = "sauvegarde"
MARK = "backuptest"
BULK = int(os.environ.get("GAZOUILLIS_BACKUP_BULK", "4000"))  # posts in other events first
PER_EVENT = 4000  # of them in one event document
STEP_PAGES = 256  # STORE_BACKUP_STEP_PAGES


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def writers(base, tokens, acked, sent, stop):
    """Client threads posting and commenting until stop.

    acked gets (kind, id, text, answered at, sent at) of each write.
    """
    lock = threading.Lock()

    def client(n, kind):
        i = 0
        while not stop.is_set():
            i += 1
            text = f"{MARK} {kind}{n}x{i} il faut travailler ensemble #innover"
            with lock:
                sent.add(text)
            t = time.monotonic()
            if kind == "post":
                r = requests.post(f"{base}/api/v1/events/{SLUG}/posts", json={"text": text},
                                  headers=auth(tokens["admin"]), timeout=30)
            else:
                r = requests.post(f"{base}/api/v1/events/{SLUG}/comments", json={"body": text},
                                  headers=auth(tokens["member"]), timeout=30)
            assert r.status_code == 201, r.text
            with lock:
                acked.append((kind, r.json()["id"], text, time.monotonic(), t))

    return [threading.Thread(target=client, args=(n, kind), daemon=True)
            for n, kind in enumerate(["post", "post", "post", "comment"])]


def db_rows(path):
    """integrity_check, and the test's posts and comments, of the database at path."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        posts = {str(i): t for i, t in db.execute(
            "SELECT id, text FROM posts WHERE text LIKE ?", (f"%{MARK}%",))}
        comments = {str(i): b for i, b in db.execute(
            "SELECT id, body FROM comments WHERE body LIKE ?", (f"%{MARK}%",))}
        half = db.execute(
            "SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM post_tags t "
            "WHERE t.post_id = p.id AND t.tag = 'innover') OR NOT EXISTS (SELECT 1 FROM "
            "post_changes c WHERE c.post_id = p.id AND c.kind = 'post')").fetchone()[0]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        return integrity, fk, posts, comments, half, mode
    finally:
        db.close()


def test_backup_under_load_restores_to_a_consistent_database(gazouillis, gazouillis_asan,
                                                             tmp_path):
    srv = Server(gazouillis, tmp_path / "data", tmp_path / "server.log",
                 "--comments-per-address", "100000", "--comments-per-account", "100000")
    tokens = {"admin": srv.token("admin"), "member": srv.user("lectrice")}
    r = requests.post(srv.url("/api/v1/events"), json=reference.event_document(SLUG),
                      headers=auth(tokens["admin"]), timeout=10)
    assert r.status_code == 201, r.text
    # a few MiB of posts first, so that the copy takes several steps
    for n in range(0, BULK, PER_EVENT):
        doc = reference.event_document(f"fond-{n}")
        doc["posts"] = [{"author": "admin", "text": f"fond {i}: il faut travailler ensemble, et "
                         "le dire assez longuement pour remplir des pages #innover"}
                        for i in range(n, min(n + PER_EVENT, BULK))]
        r = requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(tokens["admin"]),
                          timeout=60)
        assert r.status_code == 201, r.text
    backup = tmp_path / "copie.db"
    acked, sent, stop = [], set(), threading.Event()
    threads = writers(srv.base, tokens, acked, sent, stop)
    try:
        for th in threads:
            th.start()
        deadline = time.monotonic() + 30
        while len(acked) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        began = time.monotonic()
        done_before = list(acked)
        b = run(gazouillis_asan, "backup", str(backup), "--data", srv.data)
        ended = time.monotonic()
        assert b.returncode == 0, b
        while len(acked) < len(done_before) + 100 and time.monotonic() < deadline + 10:
            time.sleep(0.01)  # the server kept taking posts during and after it
        # a restore while the server has the database open is refused
        r = run(gazouillis_asan, "restore", str(backup), "--data", srv.data)
        assert r.returncode == 1 and "in use" in r.stderr, r
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=30)
    during = [a for a in acked if a[4] < ended and a[3] > began]  # overlapping the backup
    slowest = lambda writes: max((a[3] - a[4] for a in writes), default=0) * 1000  # noqa: E731
    print(f"\n{b.stdout.decode().strip()}; {len(done_before)} writes acknowledged "
          f"before it (slowest {slowest(done_before):.0f} ms), {len(during)} during it "
          f"(slowest {slowest(during):.0f} ms)")
    m = re.match(r"backup: (\d+) pages, (\d+) bytes .* in ([\d.]+) s into ", b.stdout.decode())
    assert m and int(m.group(1)) > STEP_PAGES and os.path.getsize(backup) == int(m.group(2)), b
    assert srv.stop() == 0

    # the backup itself: whole, one file, with what was acknowledged before it began
    integrity, fk, posts, comments, half, mode = db_rows(backup)
    assert integrity == [("ok",)] and fk == [] and half == 0 and mode == "delete"
    db = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert db.execute("SELECT count(*) FROM posts WHERE text LIKE 'fond %'").fetchone()[0] == BULK
    db.close()
    for kind, ident, text, *_ in done_before:
        stored = (posts if kind == "post" else comments).get(ident)
        assert stored == text, f"acknowledged before the backup, not in it: {kind} {ident}"
    assert set(posts.values()) | set(comments.values()) <= sent
    # nothing from after it: at most one write per client in flight when it ended
    answered = {a[1]: a[2] for a in acked}
    assert all(answered.get(i) == t for i, t in list(posts.items()) + list(comments.items()))
    assert len(posts) + len(comments) <= sum(1 for a in acked if a[3] <= ended) + len(threads)
    assert not [p for p in os.listdir(tmp_path) if ".tmp-" in p]

    # an existing file is replaced only with --force
    r = run(gazouillis_asan, "backup", str(backup), "--data", srv.data)
    assert r.returncode == 1 and "exists" in r.stderr, r
    assert db_rows(backup)[2] == posts

    # restored into a new data directory, it serves
    new = tmp_path / "restored"
    r = run(gazouillis_asan, "restore", str(backup), "--data", str(new))
    assert r.returncode == 0 and "restore:" in r.stdout.decode(), r
    back = Server(gazouillis_asan, new, tmp_path / "restored.log")
    try:
        r = requests.get(back.url(f"/api/v1/events/{SLUG}"), timeout=10)
        assert r.status_code == 200 and r.json()["title"], r.text
        shown, url = {}, back.url(f"/api/v1/events/{SLUG}/posts?limit=200")
        while url:
            r = requests.get(url, timeout=10)
            assert r.status_code == 200, r.text
            shown.update((p["id"], p["text"]) for p in r.json() if MARK in p["text"])
            m = re.search(r"<([^>]+)>; rel=\"next\"", r.headers.get("Link", ""))
            url = back.url(m.group(1)) if m else None
        assert shown == posts
        r = requests.get(back.url(f"/api/v1/events/{SLUG}/comments"), timeout=10)
        assert {c["id"]: c["body"] for c in r.json() if MARK in c["body"]} == comments
        # the tokens came back with the accounts: it takes new posts
        r = requests.post(back.url(f"/api/v1/events/{SLUG}/posts"),
                          json={"text": "après la restauration #innover"},
                          headers=auth(tokens["admin"]), timeout=10)
        assert r.status_code == 201, r.text
    finally:
        status = back.stop()
    log = back.read_log()
    assert status == 0 and "Sanitizer" not in log, log[-4000:]
    integrity, fk, restored, _, half, mode = db_rows(new / "gazouillis.db")
    assert integrity == [("ok",)] and fk == [] and half == 0 and mode == "wal"
    assert restored == posts


def test_restore_keeps_the_database_it_replaces(gazouillis_asan, tmp_path):
    data = tmp_path / "data"
    srv = Server(gazouillis_asan, data, tmp_path / "server.log")
    admin = srv.token("admin")
    r = requests.post(srv.url("/api/v1/events"), json=reference.event_document(SLUG),
                      headers=auth(admin), timeout=10)
    assert r.status_code == 201, r.text
    b = srv.cli("backup", str(tmp_path / "avant.db"))
    assert b.returncode == 0, b
    r = requests.delete(srv.url(f"/api/v1/events/{SLUG}"), headers=auth(admin), timeout=10)
    assert r.status_code in (200, 204), r.text
    assert srv.stop() == 0
    r = srv.cli("restore", str(tmp_path / "avant.db"))
    assert r.returncode == 0, r
    aside = re.search(r"the database it replaced is now (\S+)", r.stdout.decode()).group(1)
    assert os.path.exists(aside) and "before-restore-" in aside
    srv = Server(gazouillis_asan, data, tmp_path / "server.log")
    try:
        assert requests.get(srv.url(f"/api/v1/events/{SLUG}"), timeout=10).status_code == 200
    finally:
        assert srv.stop() == 0
    # the one replaced is the database as it was: the event deleted
    db = sqlite3.connect(f"file:{aside}?mode=ro", uri=True)
    assert db.execute("SELECT count(*) FROM events WHERE slug = ?", (SLUG,)).fetchone()[0] == 0
    db.close()


def test_backup_to_a_full_file_system_fails_and_leaves_nothing(gazouillis_asan, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                       check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
        try:
            admin = srv.token("admin")
            r = requests.post(srv.url("/api/v1/events"), json=reference.event_document(SLUG),
                              headers=auth(admin), timeout=10)
            assert r.status_code == 201, r.text
            r = srv.cli("backup", str(small / "copie.db"))
            assert r.returncode == 3 and "no space left" in r.stderr, r
            assert os.listdir(small) == []
            # the server did not notice
            assert requests.get(srv.url(f"/api/v1/events/{SLUG}"), timeout=10).status_code == 200
        finally:
            assert srv.stop() == 0
    finally:
        subprocess.run(["umount", str(small)], capture_output=True, timeout=10)
