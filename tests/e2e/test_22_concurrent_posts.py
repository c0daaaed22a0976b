"""tests/e2e/test_22_concurrent_posts.py - many clients posting at once.

API writes of posts go through one writer thread that commits the waiting
requests together (api/writer.c). These tests hold it to what each client
must still see: its own answer, true for its own request - a refused post
(too long, not an editor, bad JSON, unknown speaker) is refused and leaves
nothing even when it shared a transaction with accepted ones; every 201 is
stored, once, with its text and speaker; edits and deletions in the crowd
apply; and SIGTERM in the middle of it loses no answered post.
"""
import re
import signal
import threading
import time

import requests

import reference
from conftest import Server

THREADS = 8
PER_THREAD = 30


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def make_event(server, token, slug):
    r = requests.post(server.url("/api/v1/events"), json=reference.event_document(slug),
                      headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text


def all_posts(server, slug):
    posts, url = [], server.url(f"/api/v1/events/{slug}/posts?limit=200")
    while url:
        r = requests.get(url, timeout=10)
        assert r.status_code == 200, r.text
        posts += r.json()
        m = re.search(r"<([^>]+)>; rel=\"next\"", r.headers.get("Link", ""))
        url = server.url(m.group(1)) if m else None
    return posts


def writer_counts(server):
    m = requests.get(server.url("/metrics"), timeout=10).text
    get = lambda name: int(re.search(rf"^{name} (\d+)$", m, re.M).group(1))  # noqa: E731
    return get("gazouillis_writer_transactions_total"), get("gazouillis_writer_requests_total")


def test_each_client_gets_the_truth_about_its_own_post(server):
    admin = server.token("admin")
    outsider = server.user("outsider", "editor")  # an editor, not of this event
    make_event(server, admin, "crowd")
    person = reference.event_document("crowd")["people"][0]["name"]
    url = server.url("/api/v1/events/crowd/posts")
    before = writer_counts(server)
    results = [[] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)

    def client(t):
        s = requests.Session()
        start.wait()
        for i in range(PER_THREAD):
            text = f"client {t} post {i}: il faut travailler ensemble #innover"
            kind = ("ok", "too-long", "outsider", "bad-json", "speaker", "unknown")[i % 6]
            if kind == "ok":
                r = s.post(url, json={"text": text}, headers=auth(admin), timeout=30)
            elif kind == "too-long":
                r = s.post(url, json={"text": text + " x" * 80}, headers=auth(admin), timeout=30)
            elif kind == "outsider":
                r = s.post(url, json={"text": text}, headers=auth(outsider), timeout=30)
            elif kind == "bad-json":
                r = s.post(url, data=b'{"text": "' + text.encode(),
                           headers={**auth(admin), "Content-Type": "application/json"},
                           timeout=30)
            elif kind == "speaker":
                r = s.post(url, json={"text": text, "speaker": {"name": person}},
                           headers=auth(admin), timeout=30)
            else:
                r = s.post(url, json={"text": text, "speaker": {"name": "Personne Inconnue"}},
                           headers=auth(admin), timeout=30)
            results[t].append((kind, text, r.status_code, r.json()))

    threads = [threading.Thread(target=client, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    expected = {"ok": 201, "speaker": 201, "too-long": 422, "outsider": 403, "bad-json": 400,
                "unknown": 422}
    created = {}
    for kind, text, status, body in (x for r in results for x in r):
        assert status == expected[kind], (kind, status, body)
        if status == 201:
            assert body["text"] == text and body["id"] not in created
            assert body["speaker"] == ({"name": person} if kind == "speaker" else None)
            created[body["id"]] = (kind, text)
        else:
            assert body["error"], body
    stored = {p["id"]: p for p in all_posts(server, "crowd")}
    assert set(stored) == set(created)
    for pid, (kind, text) in created.items():
        assert stored[pid]["text"] == text
    # every request went through the writer, in fewer transactions than requests
    after = writer_counts(server)
    sent = THREADS * PER_THREAD
    assert after[1] - before[1] == sent
    print("writer:", after[0] - before[0], "transactions for", sent, "requests")
    assert 0 < after[0] - before[0] < sent


def test_edits_and_deletions_in_the_crowd_apply(server):
    admin = server.token("admin")
    make_event(server, admin, "churn")
    url = server.url("/api/v1/events/churn/posts")
    ids = [requests.post(url, json={"text": f"brouillon {i}"}, headers=auth(admin),
                         timeout=10).json()["id"] for i in range(THREADS * 4)]
    answers = {}
    start = threading.Barrier(THREADS)

    def client(t):
        s = requests.Session()
        start.wait()
        for k, pid in enumerate(ids[t::THREADS]):
            if k % 2 == 0:
                r = s.patch(server.url(f"/api/v1/posts/{pid}"), json={"text": f"final {pid}"},
                            headers=auth(admin), timeout=30)
            else:
                r = s.delete(server.url(f"/api/v1/posts/{pid}"), headers=auth(admin), timeout=30)
            answers[pid] = r.status_code
            # and a new one meanwhile
            r = s.post(url, json={"text": f"nouveau {t}.{k}"}, headers=auth(admin), timeout=30)
            assert r.status_code == 201, r.text

    threads = [threading.Thread(target=client, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stored = {p["id"]: p["text"] for p in all_posts(server, "churn")}
    for pid, status in answers.items():
        if status == 200:
            assert stored[pid] == f"final {pid} #innover"
        else:
            assert status == 204 and pid not in stored
    assert sum(1 for text in stored.values() if text.startswith("nouveau ")) == THREADS * 4
    # what was deleted is gone for good; what was edited is there alone
    assert len(stored) == THREADS * 4 + sum(1 for s in answers.values() if s == 200)


def test_sigterm_while_posting_loses_no_answered_post(gazouillis_asan, tmp_path):
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
    admin = srv.token("admin")
    make_event(srv, admin, "storm")
    url = srv.url("/api/v1/events/storm/posts")
    answered, stop = [], threading.Event()

    def client(t):
        s = requests.Session()
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = s.post(url, json={"text": f"tempête {t}.{i}"}, headers=auth(admin), timeout=30)
            except requests.RequestException:
                return  # the server is going: connections are refused or closed
            if r.status_code == 201:
                answered.append(r.json()["id"])
            elif r.status_code != 503:
                raise AssertionError(r.text)

    threads = [threading.Thread(target=client, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 30
    while len(answered) < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.stop(signal.SIGTERM) == 0
    stop.set()
    for th in threads:
        th.join()
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert len(answered) >= 50
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
    try:
        stored = {p["id"] for p in all_posts(srv, "storm")}
        assert set(answered) <= stored
    finally:
        assert srv.stop() == 0
