"""tests/e2e/test_20_events_api.py - the server as an API client sees it:
health and metrics, the first admin, events and posts through
/api/v1/events, roles, the limit of 140, pagination, the event document's
round trip, and what bad input gets (status and message, nothing stored).
"""
import copy
import json
import re
import signal
import time

import requests

import reference
from conftest import Server


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_health_and_metrics(server):
    r = requests.get(server.url("/healthz"), timeout=10)
    assert r.status_code == 200 and r.text == "ok\n"
    m = requests.get(server.url("/metrics"), timeout=10).text
    assert 'gazouillis_http_requests_total{code="200"}' in m
    assert "gazouillis_http_request_duration_seconds_bucket" in m
    assert "gazouillis_posts " in m
    # where the memory goes (bench/soak reads them): the heap in use, SQLite's part of it
    gauges = dict(line.split() for line in m.splitlines()
                  if line.startswith(("gazouillis_heap_bytes ", "gazouillis_sqlite_memory_bytes ")))
    assert set(gauges) == {"gazouillis_heap_bytes", "gazouillis_sqlite_memory_bytes"}, m
    assert int(gauges["gazouillis_sqlite_memory_bytes"]) > 0
    assert int(gauges["gazouillis_heap_bytes"]) >= 0  # ASan's allocator is not malloc's: 0 there


def test_first_start_prints_an_admin_once(server, gazouillis_asan, tmp_path):
    assert server.admin_password, server.banner
    assert "admin" in "".join(server.banner)
    # a second server on the same data: no new admin, no password shown
    server2 = Server(gazouillis_asan, tmp_path / "data", tmp_path / "log")
    server2.stop()
    server3 = Server(gazouillis_asan, tmp_path / "data", tmp_path / "log")
    assert server3.admin_password is None
    assert server3.stop() == 0


def test_sigterm_stops_cleanly_and_keeps_the_data(gazouillis_asan, tmp_path):
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "log")
    token = srv.token("admin")
    doc = reference.event_document("kept")
    assert requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(token),
                         timeout=10).status_code == 201
    assert srv.stop(signal.SIGTERM) == 0
    assert "SIGTERM" in srv.read_log()
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "log")
    assert requests.get(srv.url("/api/v1/events/kept"), timeout=10).status_code == 200
    assert srv.stop(signal.SIGINT) == 0


def test_the_log_says_each_request_and_no_secret(server):
    token = server.token("admin")
    requests.get(server.url("/api/v1/events/nothing?secret=xyz"), headers=auth(token), timeout=10)
    # the line is written when the response has gone out: give it a moment
    deadline = time.monotonic() + 5
    while "GET /api/v1/events/nothing 404" not in server.read_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.read_log()
    assert "GET /api/v1/events/nothing 404" in log
    assert token not in log and "xyz" not in log
    # and how long it took, in milliseconds to the microsecond
    assert re.search(r"GET /api/v1/events/nothing 404 \d+\.\d{3}ms$", log, re.M), log


def test_event_fields_round_trip(server):
    token = server.token("admin")
    doc = reference.event_document("round-trip")
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    got = r.json()
    for key, value in doc.items():
        assert got[key] == value, key
    assert got["posts"] == [] and got["comments"] == []
    assert requests.get(server.url("/api/v1/events/round-trip"), timeout=10).json() == got
    # PATCH changes what it names and nothing else
    r = requests.patch(server.url("/api/v1/events/round-trip"), headers=auth(token),
                       json={"attendance": 42, "venue": None, "state": "ended"}, timeout=10)
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["attendance"] == 42 and after["venue"] is None and after["state"] == "ended"
    assert after["people"] == doc["people"] and after["title"] == doc["title"]
    assert requests.delete(server.url("/api/v1/events/round-trip"), headers=auth(token),
                           timeout=10).status_code == 204
    assert requests.get(server.url("/api/v1/events/round-trip"), timeout=10).status_code == 404


def test_roles(server):
    admin = server.token("admin")
    member = server.user("marie", "member")
    editor = server.user("eric", "editor")
    doc = reference.event_document("roles")
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(member), timeout=10)
    assert r.status_code == 403 and "admins and editors" in r.json()["error"]
    assert requests.post(server.url("/api/v1/events"), json=doc, headers=auth(editor),
                         timeout=10).status_code == 201
    # the member cannot post to an event it does not edit, nor change it
    r = requests.post(server.url("/api/v1/events/roles/posts"), json={"text": "bonjour"},
                      headers=auth(member), timeout=10)
    assert r.status_code == 403
    r = requests.patch(server.url("/api/v1/events/roles"), json={"title": "x"},
                       headers=auth(member), timeout=10)
    assert r.status_code == 403
    # the editor who created it posts; the admin may too
    for token in (editor, admin):
        r = requests.post(server.url("/api/v1/events/roles/posts"), json={"text": "bonjour"},
                          headers=auth(token), timeout=10)
        assert r.status_code == 201, r.text
    # nobody signed in: 401
    r = requests.post(server.url("/api/v1/events/roles/posts"), json={"text": "x"}, timeout=10)
    assert r.status_code == 401
    r = requests.post(server.url("/api/v1/events/roles/posts"), json={"text": "x"},
                      headers=auth("not-a-token"), timeout=10)
    assert r.status_code == 401 and "invalid" in r.json()["error"]


def make_event(server, token, slug):
    doc = reference.event_document(slug)
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    return doc


def posts_of(server, slug):
    return requests.get(server.url(f"/api/v1/events/{slug}"), timeout=10).json()["posts"]


def test_a_post_over_the_limit_is_refused_and_nothing_is_stored(server):
    token = server.token("admin")
    make_event(server, token, "limit")
    text = "x" * 141
    r = requests.post(server.url("/api/v1/events/limit/posts"), json={"text": text + " #innover"},
                      headers=auth(token), timeout=10)
    assert r.status_code == 422
    body = r.json()
    assert body["weighted_length"] == 150 and body["limit"] == 140
    assert "150 characters, the limit is 140" in body["error"]
    assert posts_of(server, "limit") == []


def test_the_hashtag_is_added_and_links_are_made(server):
    token = server.token("admin")
    make_event(server, token, "tags")
    r = requests.post(server.url("/api/v1/events/tags/posts"),
                      json={"text": "Jacques Beaudet: il faut travailler ensemble. "
                                    "http://groupedde.com/ <b>",
                            "speaker": {"name": "JBeaudet"}},
                      headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["text"].endswith(" #innover")
    assert p["speaker"] == {"name": "Jacques Beaudet"}
    assert '<a href="/tags/innover"' in p["html"] and "&lt;b&gt;" in p["html"]
    assert 'href="http://groupedde.com/"' in p["html"]
    # already tagged (any case): not added twice
    r = requests.post(server.url("/api/v1/events/tags/posts"), json={"text": "Vive #INNOVER"},
                      headers=auth(token), timeout=10)
    assert r.json()["text"] == "Vive #INNOVER"


def test_the_answer_to_a_new_post_is_the_post_as_read_back(server):
    # The writer answers from what it stored without reading the row back:
    # every field must be what a later read finds.
    token = server.token("admin")
    make_event(server, token, "readback")
    bodies = [{"text": "Jacques Beaudet: \"il faut\" travailler\tensemble \\ <b> "
                       "http://groupedde.com/ #Un #deux 🎉",
               "speaker": {"name": "JBeaudet"}},
              {"text": "sans orateur ni lien"},
              {"text": "Question de la salle", "speaker": {"audience": True}}]
    for body in bodies:
        r = requests.post(server.url("/api/v1/events/readback/posts"), json=body,
                          headers=auth(token), timeout=10)
        assert r.status_code == 201, r.text
        answer = r.json()
        read = requests.get(server.url(f"/api/v1/posts/{answer['id']}"), timeout=10)
        assert read.status_code == 200
        assert answer == read.json()
        assert answer["created_at"].endswith("Z") and answer["likes"] == 0


def test_pagination(server):
    token = server.token("admin")
    make_event(server, token, "pages")
    ids = []
    for i in range(7):
        r = requests.post(server.url("/api/v1/events/pages/posts"), json={"text": f"post {i}"},
                          headers=auth(token), timeout=10)
        ids.append(r.json()["id"])
    r = requests.get(server.url("/api/v1/events/pages/posts?limit=3"), timeout=10)
    first = [p["id"] for p in r.json()]
    assert first == ids[::-1][:3]
    assert 'rel="next"' in r.headers["Link"]
    r = requests.get(server.url(f"/api/v1/events/pages/posts?limit=3&max_id={first[-1]}"),
                     timeout=10)
    assert [p["id"] for p in r.json()] == ids[::-1][3:6]
    r = requests.get(server.url(f"/api/v1/events/pages/posts?since_id={ids[4]}"), timeout=10)
    assert [p["id"] for p in r.json()] == ids[::-1][:2]
    r = requests.get(server.url("/api/v1/events/pages/posts?limit=abc"), timeout=10)
    assert r.status_code == 400 and "limit" in r.json()["error"]


def test_authors_and_admins_change_posts(server):
    admin = server.token("admin")
    editor = server.user("paul", "editor")
    other = server.user("lea", "editor")
    make_event(server, editor, "edits")
    r = requests.post(server.url("/api/v1/events/edits/posts"), json={"text": "premier jet"},
                      headers=auth(editor), timeout=10)
    pid = r.json()["id"]
    r = requests.patch(server.url(f"/api/v1/posts/{pid}"), json={"text": "version finale"},
                       headers=auth(other), timeout=10)
    assert r.status_code == 403
    r = requests.patch(server.url(f"/api/v1/posts/{pid}"), json={"text": "version finale"},
                       headers=auth(editor), timeout=10)
    assert r.status_code == 200 and r.json()["text"] == "version finale #innover"
    assert r.json()["edited_at"]
    assert requests.delete(server.url(f"/api/v1/posts/{pid}"), headers=auth(admin),
                           timeout=10).status_code == 204
    assert requests.get(server.url(f"/api/v1/posts/{pid}"), timeout=10).status_code == 404


def test_bad_input_gets_a_clear_error(server):
    token = server.token("admin")
    h = dict(auth(token), **{"Content-Type": "application/json"})
    cases = [
        (b"{not json", 400, "malformed JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"slug": "x\xc0\xaf"}', 400, "malformed JSON"),
        (json.dumps({"slug": 5, "title": "t", "hashtag": "h"}).encode(), 422, "'slug' must be"),
        (json.dumps({"slug": "ok-slug", "title": "t", "hashtag": "h", "colour": "red"}).encode(),
         422, "unknown field 'colour'"),
        (json.dumps({"slug": "Bad Slug", "title": "t", "hashtag": "h"}).encode(), 422, "'slug'"),
        (json.dumps({"slug": "ok", "title": "t", "hashtag": "2014"}).encode(), 422, "hashtag"),
        (json.dumps({"slug": "ok", "title": "t", "hashtag": "h",
                     "people": [{"name": "A", "role": "king"}]}).encode(), 422, "people[0].role"),
        (json.dumps({"slug": "ok", "title": "t", "hashtag": "h",
                     "starts_at": "tomorrow"}).encode(), 422, "ISO 8601"),
        (json.dumps({"title": "t", "hashtag": "h"}).encode(), 422, "missing field 'slug'"),
    ]
    for body, status, message in cases:
        r = requests.post(server.url("/api/v1/events"), data=body, headers=h, timeout=10)
        assert r.status_code == status, (body, r.text)
        assert message in r.json()["error"], (body, r.text)
    # nothing of those was stored
    slugs = [e["slug"] for e in requests.get(server.url("/api/v1/events"), timeout=10).json()]
    assert "ok" not in slugs and "ok-slug" not in slugs
    # not JSON at all: 415; too big: 413; unknown event: 404
    r = requests.post(server.url("/api/v1/events"), data=b"a=b", headers=auth(token), timeout=10)
    assert r.status_code == 415
    r = requests.post(server.url("/api/v1/events"), data=b"x" * (5 << 20), headers=h, timeout=30)
    assert r.status_code == 413
    r = requests.get(server.url("/api/v1/events/no-such-event"), timeout=10)
    assert r.status_code == 404 and "no-such-event" in r.json()["error"]
    r = requests.post(server.url("/api/v1/events/no-such-event/posts"), json={"text": "x"},
                      headers=auth(token), timeout=10)
    assert r.status_code == 404
    # a NUL in a post, a post that is not a string
    make_event(server, token, "bad-posts")
    for body, status, message in (
            ({"text": "a\u0000b"}, 400, "\\u0000 is not allowed"),
            ({"text": 5}, 422, "'text' must be a string"),
            ({"text": "x", "speaker": {"name": "Nobody"}}, 422, "none of the event's people")):
        r = requests.post(server.url("/api/v1/events/bad-posts/posts"), json=body,
                          headers=auth(token), timeout=10)
        assert r.status_code == status and message in r.json()["error"], r.text
    assert posts_of(server, "bad-posts") == []


def test_html_in_fields_is_data(server):
    token = server.token("admin")
    doc = reference.event_document("xss")
    doc["title"] = "<script>alert(1)</script>"
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201
    assert r.json()["title"] == "<script>alert(1)</script>"
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_reference_event_and_its_export_round_trip(server):
    """The whole round table: 51 messages with their speakers, in order; then
    the document exported, the event deleted, the document imported: the
    same document comes back, ids and times included."""
    token = server.token("admin")
    make_event(server, token, "reference")
    messages = reference.messages()
    assert len(messages) == 51
    over = []
    for text in messages:
        body = {"text": text, "speaker": reference.speaker_of(text)}
        r = requests.post(server.url("/api/v1/events/reference/posts"), json=body,
                          headers=auth(token), timeout=10)
        if r.status_code == 422:
            # the seed broke its own limit once: an editor may keep it, knowingly
            over.append(r.json()["weighted_length"])
            body["force"] = True
            r = requests.post(server.url("/api/v1/events/reference/posts"), json=body,
                              headers=auth(token), timeout=10)
        assert r.status_code == 201, (text, r.text)
    assert over == [145]
    exported = requests.get(server.url("/api/v1/events/reference"), timeout=10).json()
    assert [p["text"] for p in exported["posts"]] == messages
    # every speaker as posted, aliases ("JPBédard") resolved to the person
    canonical = {a: p["name"] for p in reference.PEOPLE for a in [p["name"], *p["aliases"]]}
    for text, post in zip(messages, exported["posts"]):
        want = reference.speaker_of(text)
        if want and "name" in want:
            want = {"name": canonical[want["name"]]}
        assert post["speaker"] == want, text
    floor = [p for p in exported["posts"] if p["speaker"] and p["speaker"].get("audience")]
    named = [p for p in exported["posts"] if p["speaker"] and "name" in p["speaker"]]
    assert len(floor) == 10 and len(named) == 32  # the other 9 name nobody
    assert exported["people"] == reference.PEOPLE
    assert exported["organizations"] == reference.ORGANIZATIONS

    # export -> delete -> import -> export: the same document
    assert requests.delete(server.url("/api/v1/events/reference"), headers=auth(token),
                           timeout=10).status_code == 204
    r = requests.post(server.url("/api/v1/events"), json=copy.deepcopy(exported),
                      headers=auth(token), timeout=30)
    assert r.status_code == 201, r.text
    assert r.json() == exported
    assert requests.get(server.url("/api/v1/events/reference"), timeout=10).json() == exported


def test_the_server_counts_drafts_as_it_will_count_posts(server):
    token = server.token("admin")
    doc = reference.event_document("counted")
    doc["char_limit"] = 100
    requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    r = requests.post(server.url("/api/v1/text/count"),
                      json={"text": "Voir http://www.cestbienplus.ca/ #innover"}, timeout=10)
    assert r.status_code == 200
    assert r.json() == {"weighted_length": 5 + 23 + 9, "limit": 140, "remaining": 103,
                        "valid": True, "valid_range_end": 40, "reason": None}
    r = requests.post(server.url("/api/v1/text/count"), json={"text": "x" * 101, "event": "counted"},
                      timeout=10)
    body = r.json()
    assert body["limit"] == 100 and body["remaining"] == -1 and not body["valid"]
    assert body["reason"] == "too_long"
    # as the composer will post it: the event's hashtag appended when missing
    for text, length in (("x" * 91, 100), ("x" * 91 + " #Innover", 100), ("", 0),
                         ("x" * 92, 101)):
        r = requests.post(server.url("/api/v1/text/count"),
                          json={"text": text, "event": "counted", "add_hashtag": True},
                          timeout=10)
        assert r.status_code == 200 and r.json()["weighted_length"] == length, (text, r.text)
    r = requests.post(server.url("/api/v1/text/count"), json={"text": "x", "event": "nope"},
                      timeout=10)
    assert r.status_code == 404
    r = requests.post(server.url("/api/v1/text/count"), json={"txt": "x"}, timeout=10)
    assert r.status_code == 422 and "'text'" in r.json()["error"]


def test_what_is_read_again_shows_every_change(server):
    """The posts list and the public event page are kept rendered between
    changes: each write must show on the next read."""
    token = server.token("admin")
    make_event(server, token, "fresh")
    url = server.url("/api/v1/events/fresh/posts?limit=5")
    page = server.url("/e/fresh")
    assert requests.get(url, timeout=10).json() == []
    requests.get(page, timeout=10)
    r = requests.post(server.url("/api/v1/events/fresh/posts"), json={"text": "premier"},
                      headers=auth(token), timeout=10)
    pid = r.json()["id"]
    for _ in range(2):  # the second read may come from the cache: the same answer
        assert [p["text"] for p in requests.get(url, timeout=10).json()] == ["premier #innover"]
        assert "premier" in requests.get(page, timeout=10).text
    requests.patch(server.url(f"/api/v1/posts/{pid}"), json={"text": "corrigé"},
                   headers=auth(token), timeout=10)
    assert [p["text"] for p in requests.get(url, timeout=10).json()] == ["corrigé #innover"]
    assert "corrigé" in requests.get(page, timeout=10).text
    requests.delete(server.url(f"/api/v1/posts/{pid}"), headers=auth(token), timeout=10)
    assert requests.get(url, timeout=10).json() == []
    assert "corrigé" not in requests.get(page, timeout=10).text
    # the event back to draft: its posts and page are gone for the public
    requests.patch(server.url("/api/v1/events/fresh"), json={"state": "draft"},
                   headers=auth(token), timeout=10)
    assert requests.get(url, timeout=10).status_code == 404
    assert requests.get(page, timeout=10).status_code == 404
