"""tests/e2e/test_94_security_input.py - hostile bytes where the server reads
input: SQL metacharacters in every field and query parameter (the right
answer, never a 500, nothing broken in the store), path traversal in the
media and static addresses (never a byte of a file outside them), and
oversized headers, URLs and bodies (refused with their status, the server
still answering). Slow clients have test_94_security_slow.py.
"""
import http.client
import json
import select
import socket
import sqlite3
import threading
import urllib.parse

import pytest
import requests

from security_world import World, start, stop

META = ["'", '"', ";--", "%", "_", "\\", "' OR '1'='1", '" OR 1=1 --', "'); DROP TABLE posts;--",
        "100%_\\'", "%%", "_%_", "\\%", "*", "NEAR(", "a OR b", "-x", "^", "\"unclosed",
        "\x7f", "é'è"]


@pytest.fixture(scope="module")
def world(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "input")
    yield World(srv)
    stop(srv)


def q(s):
    return urllib.parse.quote(s, safe="")


def integrity(server):
    with sqlite3.connect(f"file:{server.data}/gazouillis.db?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# ---- SQL metacharacters ----

def test_sql_metacharacters_in_every_field_are_stored_as_typed(world):
    tables = integrity(world.server)
    text = " ".join(m for m in META if m != "\x7f")
    doc = {"slug": "sql-fields", "title": text[:300], "hashtag": "sqlfields", "state": "live",
           "series": text[:300], "context": text, "disclaimer": text, "conclusion": text,
           "signature": text[:300], "venue": {"name": text[:300], "address": text[:300]},
           "char_limit": 1000, "comment_policy": "guests",
           "people": [{"name": f"O'Brien {i} {m}"[:300], "role": "panelist",
                       "affiliation": m, "aliases": [f"alias{i} {m}"]}
                      for i, m in enumerate(META) if m != "\x7f"],
           "organizations": [{"kind": "sponsor", "name": text[:300]}]}
    r = world.api("editor", "POST", "/api/v1/events", json=doc)
    assert r.status_code == 201, r.text
    got = world.api("editor", "GET", "/api/v1/events/sql-fields").json()
    for key in ("title", "series", "context", "disclaimer", "conclusion", "signature"):
        assert got[key] == doc[key], key
    assert [p["name"] for p in got["people"]] == [p["name"] for p in doc["people"]]
    assert got["venue"]["name"] == doc["venue"]["name"]
    for m in META:
        if m == "\x7f":
            continue
        r = world.api("editor", "POST", "/api/v1/events/sql-fields/posts",
                      json={"text": f"texte {m} fin"})
        assert r.status_code == 201, (m, r.text)
        assert r.json()["text"].startswith(f"texte {m} fin"), (m, r.json()["text"])
        r = world.api("anon", "POST", "/api/v1/events/sql-fields/comments",
                      json={"body": f"commentaire {m}", "name": f"nom {m}"})
        assert r.status_code == 201, (m, r.text)
        assert r.json()["body"] == f"commentaire {m}" and r.json()["author"] == f"nom {m}"
        r = world.api("member", "POST", "/api/v1/statuses", data={"status": f"statut {m}"})
        assert r.status_code == 200, (m, r.text)
        r = world.api("member", "PATCH", "/api/v1/events/sql-fields",
                      json={"title": f"titre {m}"})
        assert r.status_code in (403,), r.text  # a member: refused, and no SQL ran on it
    assert integrity(world.server) == tables


def test_a_form_refused_for_its_bytes_comes_back_as_valid_utf8(world):
    """Found by the api fuzz target: the event form, refused for a field that is not
    UTF-8, was shown back with that field's bytes in it - a page that was not UTF-8."""
    for path in ("/events/new", "/e/closed/edit"):
        r = world.form("editor", path, {"title": "Titre", "slug": "octets", "hashtag": "octets",
                                        "lang": b"\xf4n", "venue_name": b"caf\xe9 \xff"})
        assert r.status_code == 422, (path, r.status_code, r.text[:300])
        page = r.content.decode("utf-8")  # raises if the page is not UTF-8
        assert "\ufffd" in page and "UTF-8" in page, page[:300]
    # nothing was created or changed
    assert world.api("editor", "GET", "/api/v1/events/octets").status_code == 404
    assert world.api("editor", "GET", "/api/v1/events/closed").json()["title"] == "Event closed"


def test_sql_metacharacters_in_every_query_parameter(world):
    tried = 0
    slug = "closed"
    world.post(text="Jacques Beaudet: l'économie sociale, c'est 100% local")
    paths = lambda m: [
        f"/search?q={q(m)}", f"/search?q={q(m)}&max_id={q(m)}", f"/tags/{q(m)}", f"/e/{q(m)}",
        f"/e/{q(m)}/recap", f"/e/{slug}?speaker={q(m)}", f"/e/{slug}?max_id={q(m)}",
        f"/e/{slug}/recap?view={q(m)}&order={q(m)}&reply={q(m)}&edit={q(m)}",
        f"/@{q(m)}", f"/users/{q(m)}", f"/users/{q(m)}/avatar.png", f"/e/{slug}/wall?theme={q(m)}",
        f"/api/v1/events/{q(m)}", f"/api/v1/events/{slug}/posts?limit={q(m)}",
        f"/api/v1/events/{slug}/posts?max_id={q(m)}&since_id={q(m)}",
        f"/api/v1/events/{slug}/comments?order={q(m)}&state={q(m)}",
        f"/api/v1/events/{slug}/comments/{q(m)}", f"/api/v1/posts/{q(m)}",
        f"/api/v2/search?q={q(m)}", f"/api/v2/search?q={q(m)}&type=accounts&limit={q(m)}",
        f"/api/v1/accounts/lookup?acct={q(m)}", f"/api/v1/accounts/{q(m)}",
        f"/api/v1/accounts/{q(m)}/statuses?max_id={q(m)}",
        f"/api/v1/timelines/public?limit={q(m)}&max_id={q(m)}&since_id={q(m)}&min_id={q(m)}",
        f"/api/v1/timelines/tag/{q(m)}?limit={q(m)}", f"/api/v1/statuses/{q(m)}",
        f"/api/v1/statuses/{q(m)}/context", f"/api/v1/media/{q(m)}",
        f"/e/{slug}/feed.atom?max_id={q(m)}", f"/oauth/authorize?client_id={q(m)}",
    ]
    for m in META:
        for path in paths(m):
            for role in ("anon", "admin"):
                r = world.api(role, "GET", path)
                tried += 1
                assert r.status_code < 500, (m, path, r.status_code, r.text[:300])
                assert r.status_code in (200, 303, 400, 401, 403, 404, 422), \
                    (m, path, r.status_code)
    print(f"\nSQL metacharacters: {len(META)} values x {len(paths('x'))} addresses x 2 = {tried}")
    integrity(world.server)


def test_like_wildcards_match_only_themselves(world):
    for name in ("o_k", "oak", "o%k"):
        r = world.server.cli("user", "add", name)
        if name == "o%k":
            assert r.returncode != 0  # not a user name
        else:
            assert r.returncode == 0, r
    token = world.tokens["admin"]
    h = {"Authorization": f"Bearer {token}"}

    def accounts(term):
        r = requests.get(world.server.url("/api/v2/search"), headers=h, timeout=10,
                         params={"q": term, "type": "accounts", "resolve": "false"})
        assert r.status_code == 200, r.text
        return sorted(a["username"] for a in r.json()["accounts"])

    assert accounts("o_k") == ["o_k"]
    assert "oak" not in accounts("o_k")
    assert accounts("%") == [] and accounts("_") == accounts("_") and "oak" not in accounts("_")
    assert accounts("o%") == []


def test_search_finds_text_with_quotes_and_percent(world):
    world.post(text="Jacques Beaudet: l'innovation sociale, c'est « 100% » coopératif")
    world.post(text="Jacques Beaudet: rien à voir avec la suite")
    for term, found in (("l'innovation", True), ("100%", True), ("'", None), ("%", None),
                        ('"coopératif"', True), ("innovation' OR '1'='1", None)):
        r = world.api("anon", "GET", "/api/v2/search", params={"q": term, "type": "statuses"})
        assert r.status_code == 200, (term, r.text)
        texts = [s["content"] for s in r.json()["statuses"]]
        assert not any("rien à voir" in t for t in texts), (term, texts)
        if found:
            assert any("100%" in t for t in texts), (term, texts)
        page = requests.get(world.server.url("/search"), params={"q": term}, timeout=10)
        assert page.status_code == 200, (term, page.status_code)
        assert "rien à voir" not in page.text, term


def test_sql_in_credentials_opens_nothing(world):
    from test_40_web_auth import sign_in
    for m in META[:8] + ["admin' --", "admin'/*", "' UNION SELECT 1 --"]:
        s, r = sign_in(world.server, m, m)
        assert r.status_code in (401, 429), (m, r.status_code)
        assert "gz_session" not in s.cookies
        r = requests.post(world.server.url("/api/v1/events/closed/posts"), json={"text": "x"},
                          headers={"Authorization": f"Bearer {m}"}, timeout=10)
        assert r.status_code == 401, (m, r.status_code)
    integrity(world.server)


# ---- path traversal ----

TRAVERSALS = [
    "/media/../gazouillis.db", "/media/..%2fgazouillis.db", "/media/%2e%2e%2fgazouillis.db",
    "/media/%2e%2e/gazouillis.db", "/media/%252e%252e%252fgazouillis.db",
    "/media/..%5cgazouillis.db", "/media/..\\gazouillis.db", "/media/....//gazouillis.db",
    "/media//etc/passwd", "/media/%2fetc%2fpasswd", "/media/%2Fetc%2Fpasswd",
    "/media/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/media/%c0%ae%c0%ae%2fgazouillis.db", "/media/%c0%afetc%c0%afpasswd",
    "/media/.%00./gazouillis.db", "/media/gazouillis.db%00.png", "/media/gazouillis.db",
    "/media/..", "/media/.", "/media/", "/media/%00", "/media/..;/gazouillis.db",
    "/media/gazouillis-wal", "/media/../gazouillis.db-wal", "/media/~/.ssh/id_rsa",
    "/static/../gazouillis.db", "/static/..%2fgazouillis.db", "/static/%2e%2e%2fgazouillis.db",
    "/static//etc/passwd", "/static/gazouillis.css/../../gazouillis.db",
    "/static/gazouillis.css%00.js", "/static/..\\..\\gazouillis.db",
    "/users/..%2f..%2fetc%2fpasswd/avatar.png", "/users/../../etc/passwd/avatar.png",
    "/../gazouillis.db", "/%2e%2e/gazouillis.db", "//etc/passwd", "/./gazouillis.db",
    "/e/..%2f..%2fgazouillis.db", "/e/x/../../gazouillis.db", "/gazouillis.db",
    "/data/gazouillis.db", "/api/v1/media/..%2f..%2fgazouillis.db",
    "file:///etc/passwd", "http://127.0.0.1/../gazouillis.db",
]
SECRETS = (b"SQLite format 3", b"root:x:0:0", b"root:*:0:0")


def raw_get(port, target):
    """A GET with the request target sent as it is, no client normalisation."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"127.0.0.1:{port}")
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_path_traversal_never_leaves_media_or_static(world):
    mid = world.media("editor")
    file_url = world.api("editor", "GET", f"/api/v1/media/{mid}").json()["url"]
    name = urllib.parse.urlsplit(file_url).path.rsplit("/", 1)[1]
    status, body = raw_get(world.server.port, f"/media/{name}")
    assert status == 200 and body.startswith(b"\x89PNG")
    targets = TRAVERSALS + [f"/media/{name}/../../gazouillis.db",
                            f"/media/{name}%2f..%2f..%2fgazouillis.db",
                            f"/media/{name}/..", f"/media/..%2fmedia%2f{name}"]
    for target in targets:
        status, body = raw_get(world.server.port, target)
        assert status in (400, 404, 405), (target, status, body[:200])
        assert not any(s in body for s in SECRETS), (target, body[:200])
    print(f"\npath traversal: {len(targets)} addresses, none answered a file outside")
    assert requests.get(world.server.url("/healthz"), timeout=10).status_code == 200


# ---- oversized requests ----

def raw(port, data, timeout=10):
    """Sends data, reads until the server closes or a whole answer came.

    The head goes first; a server that refuses on the head alone (a
    Content-Length over the limit) answers before the body is sent. The body
    is then written from a thread while this one reads, so an early answer is
    read before the server's close can reset the connection and drop it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    head_end = data.find(b"\r\n\r\n")
    head, body = (data, b"") if head_end < 0 else (data[:head_end + 4], data[head_end + 4:])

    def send_body():
        try:
            s.sendall(body)
        except OSError:
            pass

    out = b""
    writer = None
    try:
        s.sendall(head)
        if body:
            ready, _, _ = select.select([s], [], [], 0.5)
            if not ready:
                writer = threading.Thread(target=send_body, daemon=True)
                writer.start()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    finally:
        if writer:
            try:
                s.shutdown(socket.SHUT_RDWR)  # wakes a writer still blocked
            except OSError:
                pass
            writer.join(timeout)
        s.close()
    return out


def status_of(answer):
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else None


def test_oversized_requests_are_refused_and_the_server_goes_on(world):
    port = world.server.port
    cases = [
        ("a header of 100 kB", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 +
         b"\r\n\r\n", (431, 413, 400)),
        ("3,000 headers", b"GET / HTTP/1.1\r\nHost: x\r\n" +
         b"".join(b"X-%d: y\r\n" % i for i in range(3000)) + b"\r\n", (431, 413, 400)),
        ("a cookie of 20 kB", b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"a=b; " * 4000 +
         b"\r\n\r\n", (431, 413, 400)),
        ("a URL of 100 kB", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
         (414, 431, 400)),
        ("a query of 100 kB", b"GET /search?q=" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
         (414, 431, 400)),
        ("a body announced of 100 MB", b"POST /api/v1/text/count HTTP/1.1\r\nHost: x\r\n"
         b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n", (413,)),
        ("a body announced of 2^64", b"POST /login HTTP/1.1\r\nHost: x\r\n"
         b"Content-Length: 18446744073709551617\r\n\r\n", (413, 400)),
        ("a form of 2 MB", b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
         b"application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n" +
         b"a=b&" * 500000, (413,)),
        ("a chunked body over its limit", b"POST /api/v1/text/count HTTP/1.1\r\nHost: x\r\n"
         b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
         (b"10000\r\n" + b"a" * 65536 + b"\r\n") * 3 + b"0\r\n\r\n", (413, None)),
        ("JSON nested 60,000 deep", b"POST /api/v1/text/count HTTP/1.1\r\nHost: x\r\n"
         b"Connection: close\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n"
         b"\r\n" + b"[" * 60000,
         (400, 422)),
        ("a method of 10 kB", b"A" * 10000 + b" / HTTP/1.1\r\nHost: x\r\n\r\n",
         (400, 405, 414, 431, 501)),
        ("a negative length", b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
         (400, 413)),
    ]
    for what, data, want in cases:
        answer = raw(port, data)
        assert status_of(answer) in want, (what, answer[:200])
        assert requests.get(world.server.url("/healthz"), timeout=10).status_code == 200, what
    # 60,000 form fields in a body within the limit: answered, quickly
    form = "&".join(f"f{i}=v" for i in range(6000))
    r = requests.post(world.server.url("/login"), data=form, timeout=30,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code in (400, 403, 413), r.status_code
    # a JSON document with a million members refused by its size, not by memory
    r = requests.post(world.server.url("/api/v1/events"), timeout=30,
                      data=json.dumps({f"k{i}": i for i in range(400000)}),
                      headers=dict(world.headers("editor"), **{"Content-Type": "application/json"}))
    assert r.status_code in (401, 413, 422), r.status_code
    print(f"\noversized: {len(cases) + 2} requests refused, the server answering after each")
