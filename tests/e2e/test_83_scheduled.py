"""tests/e2e/test_83_scheduled.py - statuses posted later: an app sends a
status with scheduled_at (through Mastodon.py, as Tusky and Mastodon's web
app do), gets a ScheduledStatus, lists, reads, moves and cancels it, and
the server posts it when its time comes - routed then, as a status posted
then: to the live event whose hashtag it carries, its speaker named - or
at the next start when the server was stopped at that time. Its pictures
are kept for it (no other status may take them meanwhile). What cannot
be scheduled (a time not in the future, not a time) is refused with 422
and nothing is kept; another account's scheduled status is 404.
"""
import datetime
import re
import sqlite3
import time

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from conftest import Server
from test_70_mastodon_py import png, wait_media_url

ADDED = re.compile(r"with password: (\S+)")


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def later(seconds):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)


def client(server, token):
    return Mastodon(access_token=token, api_base_url=server.base, request_timeout=10,
                    ratelimit_method="throw")


def event_texts(server, slug):
    r = requests.get(server.url(f"/api/v1/events/{slug}/posts"), timeout=10)
    assert r.status_code == 200, r.text
    return {p["text"]: p for p in r.json()}


def wait_for(what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(0.2)
    return what()


@pytest.fixture(scope="module")
def people(server):
    ed = server.user("ed", "editor")
    mia = server.user("mia")
    r = requests.post(server.url("/api/v1/events"), headers=auth(ed), timeout=10,
                      json={"slug": "plus-tard", "title": "T", "hashtag": "plustard",
                            "lang": "fr", "char_limit": 140, "state": "live",
                            "people": [{"name": "Jacques Beaudet", "role": "panelist"}]})
    assert r.status_code == 201, r.text
    return client(server, ed), client(server, mia)


def test_a_scheduled_status_is_posted_when_its_time_comes(server, people):
    ed, _ = people
    text = "Jacques Beaudet: la suite dans deux secondes #plustard"
    s = ed.status_post(text, scheduled_at=later(2))
    assert s["params"]["text"] == text and s["params"]["visibility"] == "public"
    assert s["media_attachments"] == [] and s["params"]["poll"] is None
    assert [x["id"] for x in ed.scheduled_statuses()] == [s["id"]]
    assert ed.scheduled_status(s["id"])["params"]["text"] == text
    assert text not in event_texts(server, "plus-tard")  # not before its time
    posted = wait_for(lambda: event_texts(server, "plus-tard").get(text))
    assert posted, server.read_log()[-2000:]
    assert posted["speaker"] == {"name": "Jacques Beaudet"} and posted["author"] == "ed"
    assert ed.scheduled_statuses() == []
    with pytest.raises(MastodonNotFoundError):
        ed.scheduled_status(s["id"])
    # posted once, and it is a status like any other
    statuses = [x for x in ed.timeline_hashtag("plustard") if x["content"].startswith("<p>Jac")]
    assert len(statuses) == 1 and statuses[0]["account"]["username"] == "ed"


def test_a_scheduled_status_keeps_its_pictures_for_itself(server, people):
    ed, mia = people
    media = wait_media_url(ed, ed.media_post(png(), mime_type="image/png",
                                             description="La salle"))
    text = "La salle se remplit #plustard"
    s = ed.status_post(text, media_ids=[media["id"]], scheduled_at=later(2))
    assert [m["id"] for m in s["media_attachments"]] == [media["id"]]
    assert s["params"]["media_ids"] == [str(media["id"])]
    assert s["media_attachments"][0]["description"] == "La salle"
    # kept for it: another status cannot take them meanwhile
    with pytest.raises(MastodonAPIError) as e:
        ed.status_post("Tout de suite", media_ids=[media["id"]])
    assert e.value.args[1] == 422 and "waiting to be posted" in e.value.args[3]
    with pytest.raises(MastodonAPIError) as e:
        ed.status_post("Plus tard aussi", media_ids=[media["id"]], scheduled_at=later(60))
    assert e.value.args[1] == 422

    def posted():
        return [x for x in ed.timeline_hashtag("plustard") if "se remplit" in x["content"]]
    got = wait_for(posted)
    assert len(got) == 1, server.read_log()[-2000:]
    assert [m["id"] for m in got[0]["media_attachments"]] == [media["id"]]
    assert ed.scheduled_statuses() == []


def test_a_scheduled_status_is_moved_or_cancelled_by_its_author_alone(server, people):
    ed, mia = people
    s = ed.status_post("Annonce de la pause #plustard", scheduled_at=later(3600),
                       visibility="unlisted", spoiler_text="Pause")
    assert s["params"]["visibility"] == "unlisted" and s["params"]["spoiler_text"] == "Pause"
    moved = ed.scheduled_status_update(s["id"], later(7200))
    assert moved["id"] == s["id"] and moved["scheduled_at"] > s["scheduled_at"]
    assert ed.scheduled_status(s["id"])["scheduled_at"] == moved["scheduled_at"]
    # mia neither sees, moves nor cancels ed's
    assert mia.scheduled_statuses() == []
    for act in (lambda: mia.scheduled_status(s["id"]),
                lambda: mia.scheduled_status_update(s["id"], later(60)),
                lambda: mia.scheduled_status_delete(s["id"])):
        with pytest.raises(MastodonNotFoundError):
            act()
    assert ed.scheduled_status(s["id"])["scheduled_at"] == moved["scheduled_at"]
    # no time, a past one: refused, the time kept
    for bad in ("demain", (datetime.datetime.now(datetime.timezone.utc) -
                           datetime.timedelta(minutes=1)).isoformat()):
        r = requests.put(server.url(f"/api/v1/scheduled_statuses/{s['id']}"),
                         headers=auth(ed.access_token), data={"scheduled_at": bad}, timeout=10)
        assert r.status_code == 422 and "scheduled_at" in r.json()["error"], r.text
    ed.scheduled_status_delete(s["id"])
    assert ed.scheduled_statuses() == []
    with pytest.raises(MastodonNotFoundError):
        ed.scheduled_status_delete(s["id"])


def test_a_retry_with_its_idempotency_key_schedules_once(server, people):
    """Bad venue wifi: the app sends the same status again with the same Idempotency-Key
    (Tusky always sends one): one scheduled status, answered both times, its picture kept."""
    ed, mia = people
    media = wait_media_url(ed, ed.media_post(png(), mime_type="image/png"))
    when = later(3600)
    first = ed.status_post("Rappel : la pause à 15 h #plustard", media_ids=[media["id"]],
                           scheduled_at=when, idempotency_key="rappel-pause")
    again = ed.status_post("Rappel : la pause à 15 h #plustard", media_ids=[media["id"]],
                           scheduled_at=when, idempotency_key="rappel-pause")
    assert again["id"] == first["id"] and again["media_attachments"]
    assert [s["id"] for s in ed.scheduled_statuses()] == [first["id"]]
    # the key is the account's: mia's same key is her own
    other = mia.status_post("Autre chose", scheduled_at=when, idempotency_key="rappel-pause")
    assert other["id"] != first["id"]
    ed.scheduled_status_delete(first["id"])
    mia.scheduled_status_delete(other["id"])


def test_what_cannot_be_scheduled_is_refused_and_nothing_is_kept(server, people):
    ed, _ = people
    url = server.url("/api/v1/statuses")
    for when, words in (((datetime.datetime.now(datetime.timezone.utc) -
                          datetime.timedelta(seconds=5)).isoformat(), "in the future"),
                        ("2026-13-45T99:00:00Z", "not a time"), ("bientôt", "not a time")):
        r = requests.post(url, headers=auth(ed.access_token), timeout=10,
                          data={"status": "Trop tôt", "scheduled_at": when})
        assert r.status_code == 422 and words in r.json()["error"], (when, r.text)
    r = requests.post(url, headers=auth(ed.access_token), timeout=10,
                      json={"status": "x" * 501, "scheduled_at": later(60).isoformat()})
    assert r.status_code == 422 and "500" in r.json()["error"], r.text
    with pytest.raises(MastodonAPIError) as e:
        ed.status_post("Avec un sondage", scheduled_at=later(60),
                       poll=ed.make_poll(["oui", "non"], expires_in=300))
    assert e.value.args[1] == 422
    assert ed.scheduled_statuses() == []
    # at most 300 kept per account (as Mastodon): the 301st is refused
    with sqlite3.connect(f"{server.data}/gazouillis.db") as db:
        account = db.execute("SELECT id FROM accounts WHERE username = 'ed'").fetchone()[0]
        db.executemany("INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params, "
                       "created_at) VALUES (?, ?, '2031-01-01T00:00:00Z', '{\"text\":\"x\"}', "
                       "'2026-11-27T00:00:00Z')",
                       [(9000 + i, account) for i in range(300)])
    r = requests.post(url, headers=auth(ed.access_token), timeout=10,
                      data={"status": "Un de trop", "scheduled_at": later(60).isoformat()})
    assert r.status_code == 422 and "300" in r.json()["error"], r.text
    with sqlite3.connect(f"{server.data}/gazouillis.db") as db:
        db.execute("DELETE FROM scheduled_statuses WHERE id BETWEEN 9000 AND 9299")
    assert ed.scheduled_statuses() == []
    # a token that may only read lists, but neither schedules nor cancels
    made = server.cli("token", "create", "ed", "--scopes", "read")
    reader = made.stdout.decode().split()[-1]
    r = requests.post(url, headers=auth(reader), timeout=10,
                      data={"status": "Lecture seule", "scheduled_at": later(60).isoformat()})
    assert r.status_code == 403, r.text
    assert requests.get(server.url("/api/v1/scheduled_statuses"), headers=auth(reader),
                        timeout=10).json() == []
    assert requests.get(server.url("/api/v1/scheduled_statuses"), timeout=10).status_code == 401


def test_a_status_due_while_the_server_was_stopped_is_posted_at_its_start(gazouillis_asan,
                                                                         tmp_path):
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
    try:
        token = srv.user("zoe")
        r = requests.post(srv.url("/api/v1/statuses"), headers=auth(token), timeout=10,
                          data={"status": "Écrit avant l'arrêt",
                                "scheduled_at": later(2).isoformat()})
        assert r.status_code == 200 and r.json()["params"]["text"] == "Écrit avant l'arrêt"
    finally:
        assert srv.stop() == 0
    time.sleep(3)  # its time passes while the server is stopped
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
    try:
        def posted():
            got = requests.get(srv.url("/api/v1/timelines/public"), timeout=10).json()
            return [s for s in got if "avant l&#39;arrêt" in s["content"] or
                    "avant l'arrêt" in s["content"]]
        assert len(wait_for(posted)) == 1, srv.read_log()[-2000:]
        r = requests.get(srv.url("/api/v1/scheduled_statuses"), headers=auth(token), timeout=10)
        assert r.json() == []
    finally:
        assert srv.stop() == 0
        log = srv.read_log()
        assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
