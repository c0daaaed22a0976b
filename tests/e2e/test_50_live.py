"""tests/e2e/test_50_live.py - the live streams as a client sees them.

Server-sent events on /api/v1/events/{slug}/stream, /api/v1/tags/{tag}/stream
and /api/v1/stream: each stream gets exactly its events (post, update,
delete), in order, with increasing ids; a client that reconnects with
Last-Event-ID gets exactly what it missed, once; the moderation queue holds
audience posts off the public streams until an editor approves them; an
address cannot open more streams than allowed; keep-alives flow; SIGTERM
ends every stream and the server exits 0.
"""
import json
import queue
import re
import signal
import socket
import threading
import time
import urllib.parse

import pytest
import requests

import reference
from conftest import Server


def auth(token):
    return {"Authorization": f"Bearer {token}"}


class Stream:
    """A server-sent events client on a plain socket, reading on a thread.

    A socket of our own, so that close() ends the read at once (shutdown),
    where a client library would wait in recv until the next keep-alive.
    """

    def __init__(self, url, headers=None):
        u = urllib.parse.urlsplit(url)
        self.events, self.comments, self.closed = queue.Queue(), 0, threading.Event()
        self.sock = socket.create_connection((u.hostname, u.port), timeout=10)
        head = {"Host": u.netloc, "Accept": "text/event-stream", **(headers or {})}
        target = u.path + ("?" + u.query if u.query else "")
        self.sock.sendall(("GET %s HTTP/1.1\r\n" % target +
                           "".join("%s: %s\r\n" % kv for kv in head.items()) +
                           "\r\n").encode())
        self.file = self.sock.makefile("rb")
        self.status = int(self.file.readline().split()[1])
        self.headers = {}
        while (line := self.file.readline().decode().rstrip("\r\n")):
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if self.status == 200:
            self.sock.settimeout(None)
            threading.Thread(target=self._read, daemon=True).start()
        else:
            length = int(self.headers.get("content-length", "0"))
            self.body = json.loads(self.file.read(length))
            self.close()

    def _chunks(self):
        """The body, line by line: de-chunked, or as it comes until the connection ends."""
        if self.headers.get("transfer-encoding") != "chunked":
            for line in self.file:
                yield line.decode().rstrip("\r\n")
            return
        pending = b""
        while True:
            size = int(self.file.readline().split(b";")[0], 16)
            if size == 0:
                return
            pending += self.file.read(size)
            self.file.readline()
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line.decode().rstrip("\r")

    def _read(self):
        event = {}
        try:
            for line in self._chunks():
                if line == "":
                    if "data" in event:
                        self.events.put((event.get("id"), event.get("event", "message"),
                                         json.loads(event["data"])))
                    event = {}
                elif line.startswith(":"):
                    self.comments += 1
                else:
                    name, _, value = line.partition(":")
                    event[name] = value[1:] if value.startswith(" ") else value
        except (OSError, ValueError):
            pass  # closed here, or by the server
        self.closed.set()

    def next(self, timeout=5):
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            pytest.fail("no event arrived within %s s" % timeout)

    def nothing_more(self, wait=0.6):
        time.sleep(wait)
        assert self.events.empty(), self.events.get()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def make_event(server, token, slug, **fields):
    doc = reference.event_document(slug)
    doc.update({"state": "live"}, **fields)
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text


def post(server, token, slug, text, **extra):
    r = requests.post(server.url(f"/api/v1/events/{slug}/posts"), json={"text": text, **extra},
                      headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def seen_then_gone(server, token, slug, text):
    """A new live event whose stream a client follows until it has seen one
    post, then loses: (the stream's url, the last id seen, that post)."""
    make_event(server, token, slug)
    url = server.url(f"/api/v1/events/{slug}/stream")
    s = Stream(url)
    first = post(server, token, slug, text)
    last_id, kind, data = s.next()
    s.close()
    assert kind == "post" and data["id"] == first["id"]
    return url, last_id, first


def test_each_stream_gets_exactly_its_events_in_order(server):
    admin = server.token("admin")
    make_event(server, admin, "direct")
    make_event(server, admin, "ailleurs", hashtag="autre")
    ev = Stream(server.url("/api/v1/events/direct/stream"))
    tag = Stream(server.url("/api/v1/tags/Innover/stream"))  # the case does not matter
    public = Stream(server.url("/api/v1/stream"))
    other = Stream(server.url("/api/v1/events/ailleurs/stream"))
    special = Stream(server.url("/api/v1/tags/special/stream"))
    try:
        assert [s.status for s in (ev, tag, public, other, special)] == [200] * 5
        assert ev.headers["content-type"].startswith("text/event-stream")
        p = post(server, admin, "direct", "Jacques Beaudet: il faut travailler ensemble #special")
        r = requests.patch(server.url(f"/api/v1/posts/{p['id']}"), json={"text": "corrigé"},
                           headers=auth(admin), timeout=10)
        assert r.status_code == 200
        assert requests.delete(server.url(f"/api/v1/posts/{p['id']}"), headers=auth(admin),
                               timeout=10).status_code == 204
        for s in (ev, tag, public):
            seen = [s.next() for _ in range(3)]
            assert [kind for _, kind, _ in seen] == ["post", "update", "delete"]
            ids = [int(i) for i, _, _ in seen]
            assert ids == sorted(ids) and len(set(ids)) == 3
            assert seen[0][2]["id"] == p["id"] and seen[0][2]["text"] == p["text"]
            assert seen[1][2]["text"] == "corrigé #innover"
            assert seen[2][2] == {"id": p["id"], "event": "direct"}
        # the stream of a tag the edit dropped hears of the edit, then no more
        assert [k for _, k, _ in (special.next(), special.next())] == ["post", "update"]
        # another event's post: the public stream only
        q = post(server, admin, "ailleurs", "ailleurs aussi")
        assert public.next()[2]["id"] == q["id"]
        assert other.next()[2]["id"] == q["id"]
        for s in (ev, tag, special):
            s.nothing_more()
    finally:
        for s in (ev, tag, public, other, special):
            s.close()


def test_a_reconnection_gets_exactly_what_it_missed(server):
    admin = server.token("admin")
    url, last_id, _ = seen_then_gone(server, admin, "wifi", "avant la coupure")
    missed = [post(server, admin, "wifi", f"pendant la coupure {i}")["id"] for i in range(5)]
    s = Stream(url, headers={"Last-Event-ID": last_id})
    try:
        got = [s.next() for _ in range(5)]
        assert [d["id"] for _, _, d in got] == missed
        s.nothing_more()
        after = post(server, admin, "wifi", "après")
        assert s.next()[2]["id"] == after["id"]
        s.nothing_more()
    finally:
        s.close()
    # ?since= does the same for a page that knows where it stood
    s = Stream(url + f"?since={last_id}")
    try:
        assert [s.next()[2]["id"] for _ in range(6)] == missed + [after["id"]]
        s.nothing_more()
    finally:
        s.close()
    # what a stream is sent is the post as it is now: an edit shows, a deletion replays as one
    r = requests.delete(server.url(f"/api/v1/posts/{missed[0]}"), headers=auth(admin), timeout=10)
    assert r.status_code == 204
    s = Stream(url, headers={"Last-Event-ID": last_id})
    try:
        got = [s.next() for _ in range(6)]
        assert [d["id"] for _, _, d in got] == missed[1:] + [after["id"], missed[0]]
        assert got[-1][1] == "delete"
    finally:
        s.close()


def test_reconnecting_while_posts_flow_misses_nothing_and_repeats_nothing(server):
    """Phones on venue wifi: their streams drop and come back again and again
    while posts keep coming. Each reconnection replays what it missed from
    the database while new posts are published: every client still gets
    every post once, in order. And when no stream listens to a post's event,
    tags or the public stream (a stream on another event does not count),
    the server does not render it for the streams (it only marks it
    published), and a client coming back replays it all the same."""
    admin = server.token("admin")
    make_event(server, admin, "autre-salle", hashtag="ailleurs")
    # nobody listens: the changes are published for nobody, then replayed
    url, last_id, first = seen_then_gone(server, admin, "wifi-instable", "le début")
    posted = [first["id"]]
    wait_no_stream(server)
    elsewhere = Stream(server.url("/api/v1/events/autre-salle/stream"))
    before = live_changes(server)
    posted += [post(server, admin, "wifi-instable", f"seul {i}")["id"] for i in range(5)]
    assert live_changes(server)["nobody"] == before["nobody"] + 5
    elsewhere.nothing_more(wait=0.1)
    post(server, admin, "autre-salle", "ici")  # heard: rendered for that stream
    assert elsewhere.next()[2]["text"].startswith("ici")
    assert live_changes(server)["streams"] == before["streams"] + 1
    elsewhere.close()
    s = Stream(url, headers={"Last-Event-ID": last_id})
    try:
        assert [s.next()[2]["id"] for _ in range(5)] == posted[1:]
        s.nothing_more()
    finally:
        s.close()

    # eight phones reconnecting while 400 posts are made
    done, failures = threading.Event(), []

    def phone(start_after, first):
        seen, last = [], start_after
        deadline = time.monotonic() + 60
        s = Stream(url, headers={"Last-Event-ID": last})
        try:
            while time.monotonic() < deadline and not (done.is_set() and
                                                       len(seen) >= len(posted) - first):
                for _ in range(1 + len(seen) % 4):  # a few events, then the connection drops
                    try:
                        last, kind, data = s.events.get(timeout=0.3)
                    except queue.Empty:
                        break
                    seen.append(data["id"])
                s.close()
                s = Stream(url, headers={"Last-Event-ID": last})
        except Exception as e:  # reported by the test's thread
            failures.append(repr(e))
        finally:
            s.close()
        if seen != posted[first:]:
            k = next((i for i, (a, b) in enumerate(zip(seen, posted[first:])) if a != b),
                     min(len(seen), len(posted) - first))
            failures.append(f"a phone saw {len(seen)} posts; first difference at {k}: "
                            f"{seen[k:k + 3]} instead of {posted[first + k:first + k + 3]}")

    s = Stream(url)
    post(server, admin, "wifi-instable", "on reprend")
    start_id, _, data = s.next()
    s.close()
    posted.append(data["id"])
    phones = [threading.Thread(target=phone, args=(start_id, len(posted))) for _ in range(8)]
    for t in phones:
        t.start()
    try:
        for i in range(400):
            posted.append(post(server, admin, "wifi-instable", f"message {i}")["id"])
    finally:
        done.set()
        for t in phones:
            t.join()
    assert failures == []


def wait_no_stream(server, timeout=5):
    deadline = time.monotonic() + timeout
    while "gazouillis_http_streams_open 0\n" not in requests.get(server.url("/metrics"),
                                                                  timeout=10).text:
        assert time.monotonic() < deadline, "the server still counts a stream open"
        time.sleep(0.01)


def live_changes(server):
    text = requests.get(server.url("/metrics"), timeout=10).text
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r'^gazouillis_live_changes_total\{to="(\w+)"\} (\d+)$', text, re.M)}


def test_missing_more_than_a_stream_holds_earns_a_reset(server):
    """Back after a long outage: the replay would pass what a stream holds
    (256 KB), so the client is told to reload ("reset") instead of an error,
    and the stream goes on live."""
    admin = server.token("admin")
    url, last_id, first = seen_then_gone(server, admin, "longue-coupure", "avant")
    text = "Jacques Beaudet: il faut travailler ensemble https://example.org/cooperer-pour-innover"
    for i in range(500):  # about 700 bytes each as an event: 350 KB
        post(server, admin, "longue-coupure", f"{text} {i}")
    s = Stream(url, headers={"Last-Event-ID": last_id})
    try:
        assert s.status == 200
        _, kind, _ = s.next()
        assert kind == "reset"
        after = post(server, admin, "longue-coupure", "après")
        _, kind, data = s.next()
        assert kind == "post" and data["id"] == after["id"] != first["id"]
    finally:
        s.close()


def test_bad_stream_requests_get_clear_errors(server):
    admin = server.token("admin")
    doc = dict(reference.event_document("brouillon"), state="draft")
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(admin), timeout=10)
    assert r.status_code == 201
    for path, status, words in [("/api/v1/events/brouillon/stream", 404, "no event"),
                                ("/api/v1/events/nulle-part/stream", 404, "no event"),
                                ("/api/v1/tags/%23/stream", 400, "not a hashtag")]:
        s = Stream(server.url(path))
        assert s.status == status and words in s.body["error"], (path, s.status, s.body)
    s = Stream(server.url("/api/v1/stream"), headers={"Last-Event-ID": "douze"})
    assert s.status == 400 and "Last-Event-ID" in s.body["error"]
    # an id from the future (another server's, a forged one) does not silence the stream
    make_event(server, admin, "futur")
    s = Stream(server.url("/api/v1/events/futur/stream"),
               headers={"Last-Event-ID": "9223372036854775000"})
    try:
        assert s.status == 200
        p = post(server, admin, "futur", "toujours reçu")
        assert s.next()[2]["id"] == p["id"]
    finally:
        s.close()


def test_the_moderation_queue_holds_audience_posts(server):
    admin = server.token("admin")
    member = server.user("lea", "member")
    make_event(server, admin, "assemblee", audience_posts=True, moderation=True)
    make_event(server, admin, "fermee")
    public = Stream(server.url("/api/v1/stream"))
    queue_ = Stream(server.url("/api/v1/events/assemblee/moderation/stream"), auth(admin))
    try:
        assert queue_.status == 200
        # a member may not watch the queue, nor post where the audience may not
        s = Stream(server.url("/api/v1/events/assemblee/moderation/stream"), auth(member))
        assert s.status == 403
        r = requests.post(server.url("/api/v1/events/fermee/posts"), json={"text": "moi aussi"},
                          headers=auth(member), timeout=10)
        assert r.status_code == 403 and "editors" in r.json()["error"]
        r = requests.post(server.url("/api/v1/events/assemblee/posts"),
                          json={"text": "x", "speaker": {"name": "Jacques Beaudet"}},
                          headers=auth(member), timeout=10)
        assert r.status_code == 422 and "floor" in r.json()["error"]
        # held: in the queue, not on the public stream nor in the list
        held = post(server, member, "assemblee", "Question dans l'assemblée: et les jeunes?")
        assert held["state"] == "pending" and held["speaker"]["audience"] is True
        _, kind, data = queue_.next()
        assert kind == "pending" and data["id"] == held["id"]
        public.nothing_more()
        listed = requests.get(server.url("/api/v1/events/assemblee/posts"), timeout=10).json()
        assert held["id"] not in [x["id"] for x in listed]
        pending = requests.get(server.url("/api/v1/events/assemblee/pending"),
                               headers=auth(admin), timeout=10).json()
        assert [x["id"] for x in pending] == [held["id"]]
        assert requests.get(server.url("/api/v1/events/assemblee/pending"), headers=auth(member),
                            timeout=10).status_code == 403
        # only an editor approves; then it is public
        r = requests.post(server.url(f"/api/v1/posts/{held['id']}/approve"), headers=auth(member),
                          timeout=10)
        assert r.status_code == 403
        r = requests.post(server.url(f"/api/v1/posts/{held['id']}/approve"), headers=auth(admin),
                          timeout=10)
        assert r.status_code == 200 and r.json()["state"] == "visible"
        assert queue_.next()[2] == {"id": held["id"], "event": "assemblee", "state": "visible"}
        _, kind, data = public.next()
        assert kind == "post" and data["id"] == held["id"]
        # hidden: never public
        spam = post(server, member, "assemblee", "achetez mes chaussures")
        assert queue_.next()[1] == "pending"
        r = requests.post(server.url(f"/api/v1/posts/{spam['id']}/hide"), headers=auth(admin),
                          timeout=10)
        assert r.status_code == 200 and r.json()["state"] == "hidden"
        assert queue_.next()[2]["state"] == "hidden"
        public.nothing_more()
        # an editor's post is never held
        mine = post(server, admin, "assemblee", "Jacques Beaudet: merci à tous")
        assert mine["state"] == "visible"
        assert public.next()[2]["id"] == mine["id"]
        queue_.nothing_more()
    finally:
        public.close()
        queue_.close()


def test_an_odd_query_does_not_take_the_live_page_from_other_visitors(server):
    # the page is kept for anonymous visitors; "?max_id=" (empty) is an older
    # page, not live, and must not be kept as the page everyone else gets
    admin = server.token("admin")
    make_event(server, admin, "cle-vide")
    post(server, admin, "cle-vide", "Premier message")
    live = '<script src="/static/live.js"'
    for odd in ("?max_id=", "?max_id=9&speaker=", "?speaker=x%26y"):
        r = requests.get(server.url("/e/cle-vide" + odd), timeout=10)
        assert r.status_code == 200
        assert (live in r.text) == (odd == "?speaker=x%26y"), odd  # an unknown name filters nothing
        r = requests.get(server.url("/e/cle-vide"), timeout=10)
        assert r.status_code == 200 and live in r.text, odd


def test_limits_keepalives_and_shutdown(gazouillis_asan, tmp_path):
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log",
                 "--max-streams-per-address", "3", "--stream-keepalive", "1")
    streams = []
    try:
        streams = [Stream(srv.url("/api/v1/stream")) for _ in range(3)]
        assert [s.status for s in streams] == [200] * 3
        extra = Stream(srv.url("/api/v1/stream"))
        assert extra.status == 429 and "too many" in extra.body["error"]
        assert extra.headers.get("retry-after")
        time.sleep(1.6)
        assert all(s.comments >= 1 for s in streams), [s.comments for s in streams]
        streams[0].close()
        deadline = time.monotonic() + 5  # the server sees it gone at the next keep-alive
        while time.monotonic() < deadline:
            again = Stream(srv.url("/api/v1/stream"))
            if again.status == 200:
                streams[0] = again
                break
            time.sleep(0.3)
        assert streams[0].status == 200
        metrics = requests.get(srv.url("/metrics"), timeout=10).text
        assert "gazouillis_http_streams_open 3" in metrics
        t0 = time.monotonic()
        assert srv.stop(signal.SIGTERM) == 0
        assert time.monotonic() - t0 < 5
        for s in streams:
            assert s.closed.wait(5), "a stream was left open"
        log = srv.read_log()
        assert "Sanitizer" not in log and "runtime error" not in log, log[-3000:]
    finally:
        for s in streams:
            s.close()
        srv.stop()
