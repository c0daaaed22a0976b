"""tests/e2e/test_77_compression.py - gzipped answers, as a phone on a
venue's wifi gets them: the pages read most (a Mastodon timeline, the
event's posts as JSON, the public event page, the stylesheet and scripts)
come gzipped to a client
that sends "Accept-Encoding: gzip" (Mastodon.py and every browser do),
inflate to exactly the bytes a plain client gets, say "Vary:
Accept-Encoding", and are never stale: a post made meanwhile is in the
next answer, gzipped or not. A client that refuses gzip (q=0) or does not
ask gets plain bytes.
"""
import gzip
import http.client
import json

import pytest
import requests
from mastodon import Mastodon

from conftest import Server

SLUG = "gzip-soir"


@pytest.fixture(scope="module")
def srv(gazouillis_asan, tmp_path_factory):
    base = tmp_path_factory.mktemp("gzip")
    s = Server(gazouillis_asan, base / "data", base / "server.log")
    s.tok = s.token("admin")
    auth = {"Authorization": f"Bearer {s.tok}"}
    r = requests.post(s.url("/api/v1/events"), headers=auth, timeout=10,
                      json={"slug": SLUG, "title": "Soirée gzip", "hashtag": "#gzipsoir",
                            "state": "live"})
    assert r.status_code == 201, r.text
    for i in range(20):
        r = requests.post(s.url(f"/api/v1/events/{SLUG}/posts"), headers=auth, timeout=10,
                          json={"text": f"Message {i} : il faut travailler ensemble et coopérer"})
        assert r.status_code == 201, r.text
    yield s
    assert s.stop() == 0
    log = s.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]


def raw_get(srv, path, encoding=None, token=None):
    """GET with exactly these headers (no client decoding): status, headers, raw body."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        if encoding is not None:
            conn.putheader("Accept-Encoding", encoding)
        if token:
            conn.putheader("Authorization", f"Bearer {token}")
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


PATHS = [f"/api/v1/events/{SLUG}/posts", "/api/v1/timelines/tag/gzipsoir", f"/e/{SLUG}",
         "/static/gazouillis.css", "/static/live.js"]


@pytest.mark.parametrize("path", PATHS)
def test_the_most_read_pages_come_gzipped_and_inflate_to_the_plain_bytes(srv, path):
    status, head, plain = raw_get(srv, path)
    assert status == 200 and "content-encoding" not in head
    # the first gzip asker may make the gzipped form; from then on it is kept
    for _ in range(3):
        status, zhead, packed = raw_get(srv, path, "gzip, deflate")
        assert status == 200
    assert zhead.get("content-encoding") == "gzip", zhead
    assert "accept-encoding" in zhead.get("vary", "").lower(), zhead
    assert zhead["content-type"] == head["content-type"]
    assert gzip.decompress(packed) == plain
    assert len(packed) * 2 < len(plain), (len(packed), len(plain))
    # refused, or not asked for: plain bytes, the same
    for enc in ("gzip;q=0", "identity", "br", None):
        status, h, body = raw_get(srv, path, enc)
        assert status == 200 and "content-encoding" not in h and body == plain, enc


def test_a_gzipped_timeline_is_never_stale(srv):
    m = Mastodon(access_token=srv.tok, api_base_url=srv.base)  # requests asks for gzip
    before = m.timeline_hashtag("gzipsoir", limit=5)
    status, head, _ = raw_get(srv, "/api/v1/timelines/tag/gzipsoir?limit=5", "gzip", srv.tok)
    assert head.get("content-encoding") == "gzip"
    new = m.status_post("Dernier mot : coopérer #gzipsoir")
    after = m.timeline_hashtag("gzipsoir", limit=5)
    assert after[0]["id"] == new["id"] and after[1]["id"] == before[0]["id"]
    status, head, packed = raw_get(srv, "/api/v1/timelines/tag/gzipsoir?limit=5", "gzip",
                                   srv.tok)
    statuses = json.loads(gzip.decompress(packed) if head.get("content-encoding") else packed)
    assert [s["id"] for s in statuses] == [str(s["id"]) for s in after]  # Mastodon.py makes ints
    # and the native list, read by the event page's script
    r = requests.get(srv.url(f"/api/v1/events/{SLUG}/posts"), timeout=10)
    assert r.headers.get("Content-Encoding") == "gzip"
    assert any("Dernier mot" in p["text"] for p in r.json())


def test_small_and_error_answers_stay_plain(srv):
    status, head, body = raw_get(srv, "/api/v1/instance", "gzip")
    assert status == 200 and "content-encoding" not in head
    status, head, body = raw_get(srv, "/api/v1/events/nope/posts", "gzip")
    assert status == 404 and "content-encoding" not in head
    assert json.loads(body)["error"]
