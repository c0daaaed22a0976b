"""tests/e2e/test_92_full_disk.py - the server with its data directory on a
full disk (issue 8, item 2).

The data directory sits on a 4 MiB tmpfs this module mounts (as root, as
on CI; skipped only where mount(2) says EPERM), which a filler file then
fills to the last byte. While it is full: every write (posts through the
API, a crowd of them at once, Mastodon statuses, edits, likes, comments,
picture uploads, the composer, the comment form, sign-in) is answered 507
with a message saying the disk is full and nothing was saved, as JSON for
the APIs and as a page for the forms; a picture that half fits leaves no
file; every read still answers (pages, exports, timelines, search,
streams); the condition is logged once, not per request. Once the filler
is gone, without a restart, writes go through again, and the database
passes PRAGMA integrity_check with no refused write half-present. The
sanitized build serves throughout and exits cleanly.
"""
import ctypes
import errno
import os
import random
import re
import shutil
import sqlite3
import struct
import threading
import time
import zlib

import pytest
import requests

import reference
from conftest import Server
from test_40_web_auth import csrf_of, sign_in
from test_42_event_edit import form_of

SLUG = "plein"
DISK_MB = 4
FULL = re.compile(r"disk is full.*nothing was saved")
MNT_DETACH = 2


def auth(token):
    return {"Authorization": f"Bearer {token}"}


# ---- a small filesystem of our own ----

def _libc():
    return ctypes.CDLL(None, use_errno=True)


def mount_tmpfs(target, size_mb):
    """Mounts a tmpfs of size_mb MiB at target; skips the module only on EPERM."""
    libc = _libc()
    opts = f"size={size_mb}m,mode=0700".encode()
    if libc.mount(b"tmpfs", str(target).encode(), b"tmpfs", 0, opts) != 0:
        err = ctypes.get_errno()
        if err == errno.EPERM:
            pytest.skip("mount(2) refused with EPERM: mounting a small tmpfs needs root "
                        "(or CAP_SYS_ADMIN); run the full-disk tests as root, as CI does")
        pytest.fail(f"cannot mount a tmpfs at {target}: {os.strerror(err)}", pytrace=False)


def unmount(target):
    libc = _libc()
    if libc.umount2(str(target).encode(), 0) != 0:
        libc.umount2(str(target).encode(), MNT_DETACH)  # busy: let go once unused


class Filler:
    """A file that takes every free byte of its filesystem, and gives them back."""

    def __init__(self, path):
        self.path = str(path)

    def fill(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            chunk = 1 << 20
            while chunk >= 1:
                try:
                    os.write(fd, b"\0" * chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    chunk //= 2
        finally:
            os.close(fd)
        assert shutil.disk_usage(os.path.dirname(self.path)).free == 0

    def free_bytes(self, n):
        os.truncate(self.path, max(0, os.path.getsize(self.path) - n))

    def remove(self):
        if os.path.exists(self.path):
            os.unlink(self.path)


# ---- the server and what it holds before the disk fills ----

@pytest.fixture(scope="module")
def srv(gazouillis_asan, tmp_path_factory):
    """The sanitized server, its data directory on a small tmpfs; its log outside it."""
    base = tmp_path_factory.mktemp("fulldisk")
    mnt = base / "disk"
    mnt.mkdir()
    mount_tmpfs(mnt, DISK_MB)
    server = None
    try:
        server = Server(gazouillis_asan, mnt / "data", base / "server.log")
        server.mnt = mnt
        server.filler = Filler(mnt / "filler")
        yield server
    finally:
        status = server.stop() if server is not None else 0
        if server is not None:
            server.filler.remove()
        unmount(mnt)
        if server is not None:
            log = server.read_log()
            assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
            assert status == 0, f"exit status {status}\n{log[-4000:]}"


def png(width, height, seed=1):
    """A PNG of noise: its bytes do not compress, so its size is about width*height*3."""
    rnd = random.Random(seed)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + rnd.randbytes(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def before(srv):
    """What is written before the disk fills: an editor, the live event, posts, a
    comment, a picture, a signed-in browser; everything indexed for search."""
    ns = type("Before", (), {})()
    ns.admin = srv.token("admin")
    doc = reference.event_document(SLUG)
    doc["state"] = "live"
    r = requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(ns.admin), timeout=10)
    assert r.status_code == 201, r.text
    ns.posts = []
    for i in range(5):
        r = requests.post(srv.url(f"/api/v1/events/{SLUG}/posts"),
                          json={"text": f"Jacques Beaudet: coopérer avant {i}"},
                          headers=auth(ns.admin), timeout=10)
        assert r.status_code == 201, r.text
        ns.posts.append(r.json())
    r = requests.post(srv.url(f"/api/v1/events/{SLUG}/comments"), json={"body": "Bravo !"},
                      headers=auth(ns.admin), timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(srv.url("/api/v2/media"), headers=auth(ns.admin), timeout=10,
                      files={"file": ("a.png", png(8, 8), "image/png")},
                      data={"description": "avant"})
    assert r.status_code in (200, 202), r.text
    ns.media = r.json()
    ns.browser, r = sign_in(srv, "admin", srv.admin_password)
    assert r.status_code == 303, r.text
    # a search indexes what is pending: the indexer has nothing left to write
    r = requests.get(srv.url("/search"), params={"q": "cooperer"}, timeout=10)
    assert r.status_code == 200 and "avant 4" in r.text
    ns.counts = counts(srv)
    return ns


@pytest.fixture(scope="module")
def full(srv, before):
    """The disk, full to the last byte (the tests after the last free it again)."""
    srv.filler.fill()
    return before


def db_path(srv):
    return os.path.join(srv.data, "gazouillis.db")


def query(srv, sql):
    """Rows of sql, read (read-only) beside the running server."""
    with sqlite3.connect(f"file:{db_path(srv)}?mode=ro", uri=True, timeout=10) as db:
        return db.execute(sql).fetchall()


def counts(srv):
    tables = ("posts", "post_tags", "comments", "media", "sessions", "post_changes", "events")
    return {t: query(srv, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def media_files(srv):
    d = os.path.join(srv.data, "media")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def refused_full(r):
    """A 507 whose JSON says the disk is full and nothing was saved."""
    assert r.status_code == 507, (r.status_code, r.text[:500])
    assert r.headers["Content-Type"].startswith("application/json")
    assert FULL.search(r.json()["error"]), r.text


def log_count(srv, needle):
    return sum(needle in line for line in srv.read_log().splitlines())


# ---- while the disk is full ----

def test_api_writes_are_refused_with_507_and_save_nothing(srv, full):
    post = full.posts[0]
    url = srv.url(f"/api/v1/events/{SLUG}/posts")
    refused_full(requests.post(url, json={"text": "pendant le plein"}, headers=auth(full.admin),
                               timeout=30))
    refused_full(requests.patch(srv.url(f"/api/v1/posts/{post['id']}"),
                                json={"text": "modifié pendant le plein"},
                                headers=auth(full.admin), timeout=30))
    refused_full(requests.post(srv.url(f"/api/v1/posts/{post['id']}/like"),
                               headers=auth(full.admin), timeout=30))
    refused_full(requests.post(srv.url(f"/api/v1/events/{SLUG}/comments"),
                               json={"body": "commentaire pendant le plein"},
                               headers=auth(full.admin), timeout=30))
    doc = reference.event_document("plein-2")
    refused_full(requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(full.admin),
                               timeout=30))
    # Mastodon's API: a status for the live event (its hashtag), and one of no event
    for text in ("Jacques Beaudet: pendant le plein #innover", "hors événement pendant le plein"):
        refused_full(requests.post(srv.url("/api/v1/statuses"), data={"status": text},
                                   headers=auth(full.admin), timeout=30))
    assert counts(srv) == full.counts
    assert query(srv, "SELECT count(*) FROM posts WHERE text LIKE '%pendant le plein%'") == [(0,)]
    assert query(srv, "SELECT text FROM posts WHERE id = %d" % int(post["id"])) == \
        [(post["text"],)]
    assert srv.proc.poll() is None


def test_a_crowd_posting_to_a_full_disk_is_answered_and_not_retried_forever(srv, full):
    """The writer's group commit fails, then each request alone, once: every client
    gets its 507 promptly, none hangs, the writer goes on."""
    url = srv.url(f"/api/v1/events/{SLUG}/posts")
    threads, per_thread = 8, 10
    statuses = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def client(t):
        s = requests.Session()
        start.wait()
        for i in range(per_thread):
            r = s.post(url, json={"text": f"foule {t}-{i} pendant le plein"},
                       headers=auth(full.admin), timeout=30)
            with lock:
                statuses.append((r.status_code, r.json().get("error", "")))

    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not any(w.is_alive() for w in workers), "a client is still waiting"
    assert len(statuses) == threads * per_thread
    print(f"full disk: {len(statuses)} posts from {threads} clients refused in "
          f"{time.monotonic() - t0:.2f} s")
    assert all(s == 507 and FULL.search(e) for s, e in statuses), statuses[:5]
    assert counts(srv) == full.counts


def test_a_picture_is_refused_and_leaves_no_file_even_half_written(srv, full):
    files = media_files(srv)
    assert files == [os.path.basename(full.media["url"])]
    r = requests.post(srv.url("/api/v2/media"), headers=auth(full.admin), timeout=30,
                      files={"file": ("b.png", png(4, 4, 2), "image/png")})
    refused_full(r)
    # room for the file's first pages, not all of it: written in part, then removed
    srv.filler.free_bytes(64 * 1024)
    try:
        big = png(200, 200, 3)  # about 120 KiB of noise
        r = requests.post(srv.url("/api/v2/media"), headers=auth(full.admin), timeout=30,
                          files={"file": ("c.png", big, "image/png")})
        refused_full(r)
        assert media_files(srv) == files  # no .part, no picture without its row
    finally:
        srv.filler.fill()
    assert counts(srv) == full.counts


def test_web_forms_answer_a_page_that_says_the_disk_is_full(srv, full):
    s = full.browser
    page = s.get(srv.url(f"/e/{SLUG}"), timeout=10)
    assert page.status_code == 200 and 'id="composer"' in page.text
    text = "Jacques Beaudet: composé pendant le plein"
    r = s.post(srv.url(f"/e/{SLUG}/posts"), data={"csrf": csrf_of(page.text), "text": text},
               allow_redirects=False, timeout=30)
    assert r.status_code == 507 and r.headers["Content-Type"].startswith("text/html")
    assert ("Le message n’a pas pu être publié : le disque du serveur est plein, rien n’a "
            "été enregistré") in r.text
    assert f">{text}</textarea>" in r.text  # the text is kept for later
    # the comment form under the recap
    recap = s.get(srv.url(f"/e/{SLUG}/recap"), timeout=10)
    assert recap.status_code == 200
    data = dict(form_of(recap.text, f"/e/{SLUG}/comments"), body="réflexion pendant le plein")
    r = s.post(srv.url(f"/e/{SLUG}/comments"), data=data, allow_redirects=False, timeout=30)
    assert r.status_code == 507 and r.headers["Content-Type"].startswith("text/html")
    assert "le disque du serveur est plein, rien n’a été enregistré" in r.text
    # signing in writes a session: refused, said in the browser's language
    _, r = sign_in(srv, "admin", srv.admin_password)
    assert r.status_code == 507, r.text[:500]
    assert "<title>Disque plein" in r.text and "rien n’a été enregistré" in r.text
    en = requests.Session()
    en.headers["Accept-Language"] = "en"
    _, r = sign_in(srv, "admin", srv.admin_password, s=en)
    assert r.status_code == 507
    assert "The server’s disk is full: nothing was saved." in r.text
    assert "gz_session" not in r.headers.get("Set-Cookie", "")
    assert counts(srv) == full.counts


def test_reads_keep_working(srv, full):
    before = full.posts[-1]["text"]
    with_posts = (f"/e/{SLUG}", f"/e/{SLUG}/recap", f"/e/{SLUG}/recap.md",
                  f"/e/{SLUG}/recap.html", f"/e/{SLUG}.json", f"/e/{SLUG}/feed.atom",
                  f"/api/v1/events/{SLUG}/posts", "/api/v1/timelines/public",
                  "/api/v1/timelines/tag/innover", "/search?q=cooperer",
                  "/api/v2/search?q=cooperer", "/tags/innover")
    for path in with_posts + ("/", f"/api/v1/events/{SLUG}", "/api/v1/events"):
        r = requests.get(srv.url(path), timeout=10)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        assert SLUG in r.text or "avant" in r.text, path
        assert path not in with_posts or "avant 4" in r.text, path
    r = requests.get(srv.url("/api/v1/timelines/home"), headers=auth(full.admin), timeout=10)
    assert r.status_code == 200
    r = full.browser.get(srv.url(f"/e/{SLUG}"), timeout=10)  # signed in
    assert r.status_code == 200 and 'id="composer"' in r.text
    picture = "/media/" + os.path.basename(full.media["url"])
    assert requests.get(srv.url(picture), timeout=10).status_code == 200
    assert requests.get(srv.url("/healthz"), timeout=10).text == "ok\n"
    # a live stream opens and says when to reconnect
    with requests.get(srv.url(f"/api/v1/events/{SLUG}/stream"), stream=True, timeout=10) as r:
        assert r.status_code == 200
        assert next(r.iter_lines(chunk_size=1)).startswith(b"retry:")
    assert any(before in p["text"] for p in
               requests.get(srv.url(f"/api/v1/events/{SLUG}/posts"), timeout=10).json())


def test_the_condition_is_logged_once_not_per_request(srv, full):
    log = srv.read_log()
    refused = len(re.findall(r" 507 ", log))
    assert refused >= 90, refused  # every test above
    print(f"full disk: {refused} requests refused with 507, "
          f"{log_count(srv, 'disk full:')} line of log about it")
    metrics = requests.get(srv.url("/metrics"), timeout=10).text
    m = re.search(r'^gazouillis_http_requests_total\{code="507"\} (\d+)$', metrics, re.M)
    assert m and int(m.group(1)) == refused, metrics[:2000]  # what a monitor watches
    assert log_count(srv, "warning: disk full: cannot") == 1, log[-3000:]
    assert log_count(srv, "writes are refused until space is freed") == 1
    assert log_count(srv, "writing again") == 0
    for noise in ("writer: cannot commit", "indexer: cannot", "sqlite: cannot commit",
                  "media: cannot"):
        assert log_count(srv, noise) == 0, noise
    assert srv.proc.poll() is None


# ---- once space is freed, without a restart ----

def test_writing_resumes_once_space_is_freed(srv, full):
    pid = srv.proc.pid
    srv.filler.remove()
    r = requests.post(srv.url(f"/api/v1/events/{SLUG}/posts"),
                      json={"text": "Jacques Beaudet: coopérer après"},
                      headers=auth(full.admin), timeout=30)
    assert r.status_code == 201, r.text
    after = r.json()
    r = requests.post(srv.url("/api/v1/statuses"),
                      data={"status": "Sonia Claveau: après le plein #innover"},
                      headers=auth(full.admin), timeout=30)
    assert r.status_code == 200, r.text
    r = requests.post(srv.url(f"/api/v1/events/{SLUG}/comments"), json={"body": "Enfin."},
                      headers=auth(full.admin), timeout=30)
    assert r.status_code == 201, r.text
    r = requests.post(srv.url("/api/v2/media"), headers=auth(full.admin), timeout=30,
                      files={"file": ("d.png", png(16, 16, 4), "image/png")})
    assert r.status_code in (200, 202), r.text
    assert os.path.basename(r.json()["url"]) in media_files(srv)
    page = full.browser.get(srv.url(f"/e/{SLUG}"), timeout=10)
    r = full.browser.post(srv.url(f"/e/{SLUG}/posts"),
                          data={"csrf": csrf_of(page.text), "text": "composé après"},
                          allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text[:500]
    _, r = sign_in(srv, "admin", srv.admin_password)
    assert r.status_code == 303
    # the search index catches up with what was stored
    r = requests.get(srv.url("/search"), params={"q": "cooperer apres"}, timeout=10)
    assert r.status_code == 200 and "coopérer après" in r.text
    # the same process all along, which logged the end of it once
    assert srv.proc.poll() is None and srv.proc.pid == pid
    assert log_count(srv, "disk: writing again") == 1
    # whole, and nothing refused is half there: every post has its tags and its change
    assert query(srv, "PRAGMA integrity_check") == [("ok",)]
    assert query(srv, "PRAGMA foreign_key_check") == []
    now = counts(srv)
    assert now["posts"] == full.counts["posts"] + 3
    assert now["comments"] == full.counts["comments"] + 1
    assert now["media"] == full.counts["media"] + 1
    assert query(srv, "SELECT count(*) FROM posts p WHERE p.text LIKE '%#innover%' AND NOT "
                      "EXISTS (SELECT 1 FROM post_tags t WHERE t.post_id = p.id)") == [(0,)]
    assert query(srv, "SELECT count(*) FROM posts p WHERE NOT EXISTS "
                      "(SELECT 1 FROM post_changes c WHERE c.post_id = p.id)") == [(0,)]
    for table, column in (("posts", "text"), ("comments", "body")):
        assert query(srv, f"SELECT count(*) FROM {table} WHERE {column} LIKE "
                          "'%pendant le plein%'") == [(0,)]
    assert sorted(media_files(srv)) == sorted(
        f for (f,) in query(srv, "SELECT file FROM media"))
    assert after["text"].startswith("Jacques Beaudet: coopérer après")
