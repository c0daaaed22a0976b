"""tests/e2e/test_60_comments_api.py - readers' comments on a recap, as an
API client sees them: the event's comment_policy and comments_until, the
comments list (readers' view, placeholders that keep threads whole, the
editors' view by state), members' and guests' comments and what each gets
refused (status and message, nothing stored), the body's rules and its HTML,
replies, edits and deletions, likes of comments and of posts, moderation
(approve, spam, ban by account or by address), the rate limits, and the
comments of the event document through export and import.
"""
import datetime
import hashlib
import itertools
import os
import re

import pytest
import requests

import reference
from conftest import Server

VISIBLE_KEYS = {"id", "event", "parent_id", "state", "created_at", "author", "account", "guest",
                "avatar_hash", "body", "html", "edited_at", "likes", "liked"}
PLACEHOLDER_KEYS = {"id", "event", "parent_id", "state", "created_at"}
DOCUMENT_KEYS = {"id", "parent_id", "author", "account", "avatar_hash", "body", "state",
                 "created_at", "edited_at", "likes"}
CLOSED = "comments are closed on this event"
BANNED = "you may not comment on this event"
NOT_AUTHOR = "only its author may change or delete a comment"
NO_NAME = "a name is required to comment as a guest"
EMPTY = "the comment is empty"


def auth(token):
    return {"Authorization": f"Bearer {token}"} if token else {}


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def finish(srv):
    status = srv.stop()
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert status == 0, f"exit status {status}\n{log[-4000:]}"


@pytest.fixture(scope="module")
def srv(gazouillis_asan, tmp_path_factory):
    """The sanitized server with limits high enough never to be reached here."""
    base = tmp_path_factory.mktemp("comments")
    s = Server(gazouillis_asan, base / "data", base / "server.log",
               "--comments-per-address", "1000", "--comments-per-account", "1000")
    yield s
    finish(s)


@pytest.fixture
def limited(gazouillis_asan, tmp_path):
    """A server of its own for each rate-limit test (all requests come from 127.0.0.1)."""
    s = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log",
               "--comments-per-address", "3", "--comments-per-account", "2")
    yield s
    finish(s)


class People:
    """The accounts of the module's server: an admin, an editor, members."""

    def __init__(self, server):
        self.server = server
        self.admin = server.token("admin")
        self.editor = server.user("edith", "editor")
        self.alice = server.user("alice")
        self.bruno = server.user("bruno")
        self.chloe = server.user("chloe")
        self._n = itertools.count(1)

    def member(self):
        """A new member of its own (for a test that bans or limits it)."""
        return self.server.user(f"membre{next(self._n)}")


@pytest.fixture(scope="module")
def people(srv):
    return People(srv)


# ---- helpers ----

def make_event(server, token, slug, **fields):
    doc = reference.event_document(slug)
    doc.update(fields)
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def comments_url(server, slug, cid=None, action=None):
    path = f"/api/v1/events/{slug}/comments"
    if cid is not None:
        path += f"/{cid}"
    if action:
        path += f"/{action}"
    return server.url(path)


def say(server, slug, body=None, token=None, **fields):
    """POSTs a comment; returns the response."""
    payload = dict(fields)
    if body is not None:
        payload["body"] = body
    return requests.post(comments_url(server, slug), json=payload, headers=auth(token),
                         timeout=10)


def posted(server, slug, body, token=None, **fields):
    r = say(server, slug, body, token, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def readers(server, slug, token=None, **params):
    r = requests.get(comments_url(server, slug), params=params, headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    assert isinstance(r.json(), list), r.text
    return r.json()


def in_state(server, slug, state, token):
    r = requests.get(comments_url(server, slug), params={"state": state}, headers=auth(token),
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def ids(comments):
    return [c["id"] for c in comments]


def bodies(comments):
    return [c.get("body") for c in comments]


def refused(r, status, *words):
    """The response is an error of that status whose message holds every word."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    message = r.json()["error"]
    assert isinstance(message, str) and message, r.text
    for word in words:
        assert word in message, (word, message)
    return message


def moderate(server, slug, cid, action, token, **body):
    return requests.post(comments_url(server, slug, cid, action), json=body or None,
                         headers=auth(token), timeout=10)


def document(server, slug):
    r = requests.get(server.url(f"/api/v1/events/{slug}"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def stored_anywhere(server, needle):
    """Whether the bytes appear in any file of the data directory or in the log."""
    paths = [server.log_path]
    for root, _, files in os.walk(server.data):
        paths += [os.path.join(root, f) for f in files]
    for path in paths:
        with open(path, "rb") as f:
            if needle in f.read():
                return path
    return None


def instant(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


# ---- the event's fields ----

def test_the_event_says_who_may_comment_and_until_when(srv, people):
    doc = make_event(srv, people.admin, "politique")
    assert doc["comment_policy"] == "members" and doc["comments_until"] is None
    assert doc["comments"] == []
    got = make_event(srv, people.admin, "politique-invites", comment_policy="guests",
                     comments_until="2031-06-01T12:00:00+02:00")
    assert got["comment_policy"] == "guests"
    assert got["comments_until"] == "2031-06-01T12:00:00+02:00"
    assert document(srv, "politique-invites") == got
    # PATCH changes them
    r = requests.patch(srv.url("/api/v1/events/politique"), headers=auth(people.admin),
                       json={"comment_policy": "closed",
                             "comments_until": "2030-01-01T00:00:00-05:00"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["comment_policy"] == "closed"
    assert r.json()["comments_until"] == "2030-01-01T00:00:00-05:00"
    r = requests.patch(srv.url("/api/v1/events/politique"), headers=auth(people.admin),
                       json={"comments_until": None}, timeout=10)
    assert r.status_code == 200 and r.json()["comments_until"] is None, r.text
    # bad values: 422 naming the field, nothing created or changed
    for field, value in (("comment_policy", "everyone"), ("comment_policy", 3),
                         ("comment_policy", None), ("comments_until", "demain"),
                         ("comments_until", "2030-01-01T00:00:00"), ("comments_until", 5)):
        doc = dict(reference.event_document("politique-mauvaise"), **{field: value})
        r = requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(people.admin),
                          timeout=10)
        refused(r, 422, field)
        assert requests.get(srv.url("/api/v1/events/politique-mauvaise"),
                            timeout=10).status_code == 404, (field, value)
        r = requests.patch(srv.url("/api/v1/events/politique"), headers=auth(people.admin),
                           json={field: value}, timeout=10)
        refused(r, 422, field)
    after = document(srv, "politique")
    assert after["comment_policy"] == "closed" and after["comments_until"] is None


# ---- members' comments and the readers' list ----

def test_a_members_comment_is_shown_at_once(srv, people):
    make_event(srv, people.admin, "membres")
    r = say(srv, "membres", "Merci pour ce compte rendu!", people.alice)
    assert r.status_code == 201, r.text
    c = r.json()
    assert VISIBLE_KEYS <= set(c), c
    assert isinstance(c["id"], str) and c["event"] == "membres" and c["parent_id"] is None
    assert c["state"] == "approved" and c["account"] == "alice" and c["guest"] is False
    assert isinstance(c["author"], str) and c["author"]
    assert c["body"] == "Merci pour ce compte rendu!"
    assert c["html"].strip() == "<p>Merci pour ce compte rendu!</p>"
    assert c["edited_at"] is None and c["likes"] == 0 and c["liked"] is False
    assert c["created_at"]
    assert c["avatar_hash"] is None or re.fullmatch(r"[0-9a-f]{64}", c["avatar_hash"])
    # in the readers' list, by itself and in the event document
    listed = readers(srv, "membres")
    assert ids(listed) == [c["id"]]
    assert {k: listed[0][k] for k in VISIBLE_KEYS} == {k: c[k] for k in VISIBLE_KEYS}
    r = requests.get(comments_url(srv, "membres", c["id"]), timeout=10)
    assert r.status_code == 200 and r.json()["body"] == c["body"], r.text
    in_doc = document(srv, "membres")["comments"]
    assert len(in_doc) == 1 and DOCUMENT_KEYS <= set(in_doc[0]), in_doc
    assert in_doc[0]["id"] == c["id"] and in_doc[0]["body"] == c["body"]
    assert in_doc[0]["account"] == "alice" and in_doc[0]["state"] == "approved"
    assert in_doc[0]["likes"] == 0 and in_doc[0]["parent_id"] is None


def test_the_list_in_either_order(srv, people):
    make_event(srv, people.admin, "ordre")
    made = [posted(srv, "ordre", f"commentaire {i}", people.bruno)["id"] for i in range(4)]
    assert ids(readers(srv, "ordre")) == made
    assert ids(readers(srv, "ordre", order="oldest")) == made
    assert ids(readers(srv, "ordre", order="newest")) == made[::-1]
    r = requests.get(comments_url(srv, "ordre"), params={"order": "bogus"}, timeout=10)
    refused(r, 400, "order")


def test_only_editors_see_comments_by_state(srv, people):
    make_event(srv, people.editor, "par-etat", comment_policy="guests")
    waiting = posted(srv, "par-etat", "Une question de l'invité", name="Invité")
    shown = posted(srv, "par-etat", "Un avis de membre", people.alice)
    r = requests.get(comments_url(srv, "par-etat"), params={"state": "pending"}, timeout=10)
    refused(r, 401)
    r = requests.get(comments_url(srv, "par-etat"), params={"state": "pending"},
                     headers=auth(people.alice), timeout=10)
    refused(r, 403)
    # the event's editor and an admin see full objects of that state
    for token in (people.editor, people.admin):
        pending = in_state(srv, "par-etat", "pending", token)
        assert ids(pending) == [waiting["id"]]
        assert VISIBLE_KEYS - {"liked"} <= set(pending[0]), pending[0]
        assert pending[0]["body"] == "Une question de l'invité"
        assert pending[0]["state"] == "pending" and pending[0]["guest"] is True
        assert ids(in_state(srv, "par-etat", "approved", token)) == [shown["id"]]
    assert ids(readers(srv, "par-etat")) == [shown["id"]]


# ---- guests ----

def test_a_guests_comment_waits_until_approved_then_the_email_is_known(srv, people):
    make_event(srv, people.admin, "invites", comment_policy="guests")
    email = "  Ginette.Roy@Example.ORG "
    digest = sha256("ginette.roy@example.org")
    r = say(srv, "invites", "Très intéressant, merci.", name="Ginette", email=email)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["state"] == "pending"
    assert "email" not in first and "ginette.roy" not in r.text.lower()
    # not for readers, nor in the event document, nor by its id
    assert readers(srv, "invites") == []
    assert document(srv, "invites")["comments"] == []
    r = requests.get(comments_url(srv, "invites", first["id"]), timeout=10)
    refused(r, 404)
    r = requests.get(comments_url(srv, "invites", first["id"]), headers=auth(people.alice),
                     timeout=10)
    refused(r, 404)
    r = requests.get(comments_url(srv, "invites", first["id"]), headers=auth(people.admin),
                     timeout=10)
    assert r.status_code == 200 and r.json()["state"] == "pending", r.text
    pending = in_state(srv, "invites", "pending", people.admin)
    assert ids(pending) == [first["id"]]
    assert pending[0]["avatar_hash"] == digest and pending[0]["account"] is None
    assert pending[0]["author"] == "Ginette" and "email" not in pending[0]
    # a second one from her, before approval: still pending
    second = posted(srv, "invites", "Et la suite?", name="Ginette", email="ginette.roy@example.org")
    assert second["state"] == "pending"
    # approved: readers see it
    r = moderate(srv, "invites", first["id"], "approve", people.admin)
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    listed = readers(srv, "invites")
    assert ids(listed) == [first["id"]]
    assert listed[0]["guest"] is True and listed[0]["account"] is None
    assert listed[0]["author"] == "Ginette" and listed[0]["avatar_hash"] == digest
    assert listed[0]["body"] == "Très intéressant, merci."
    # the same email (any case) is now known: approved at once, with up to 2 links
    known = posted(srv, "invites", "Voir http://a.example.org/ et http://b.example.org/",
                   name="Ginette R.", email="GINETTE.ROY@example.org")
    assert known["state"] == "approved"
    # but more than 2 links always wait
    links = posted(srv, "invites", "http://a.example.org/ http://b.example.org/ "
                                   "http://c.example.org/", name="Ginette", email=email)
    assert links["state"] == "pending"
    # another email is not known
    stranger = posted(srv, "invites", "Bonjour", name="Autre", email="autre@example.org")
    assert stranger["state"] == "pending"
    assert ids(readers(srv, "invites")) == [first["id"], known["id"]]
    assert set(ids(in_state(srv, "invites", "pending", people.admin))) == {
        second["id"], links["id"], stranger["id"]}
    # the email is kept nowhere in clear
    for needle in (b"ginette.roy@example.org", b"Ginette.Roy@Example.ORG",
                   b"GINETTE.ROY@example.org", b"autre@example.org"):
        assert stored_anywhere(srv, needle) is None, needle


def test_what_a_guest_gets_refused(srv, people):
    make_event(srv, people.admin, "invites-refus", comment_policy="guests")
    for fields, status, words in (
            ({"body": "sans nom"}, 422, [NO_NAME]),
            ({"body": "nom vide", "name": "   "}, 422, [NO_NAME]),
            ({"body": "nom trop long", "name": "N" * 65}, 422, ["name"]),
            ({"body": "courriel", "name": "Jo", "email": "pas-une-adresse"}, 422, ["email"]),
            ({"body": "courriel", "name": "Jo", "email": "jo@"}, 422, ["email"]),
            ({"body": "robot", "name": "Bot", "website": "http://spam.example/"}, 422,
             ["website"]),
            ({"body": "   ", "name": "Jo"}, 422, [EMPTY])):
        r = requests.post(comments_url(srv, "invites-refus"), json=fields, timeout=10)
        refused(r, status, *words)
    # a bad token is never taken for a guest
    r = requests.post(comments_url(srv, "invites-refus"), json={"body": "jeton", "name": "Jo"},
                      headers=auth("not-a-token"), timeout=10)
    refused(r, 401)
    assert in_state(srv, "invites-refus", "pending", people.admin) == []
    assert in_state(srv, "invites-refus", "approved", people.admin) == []
    assert readers(srv, "invites-refus") == []
    refused(say(srv, "invites-refus", "nom trop long", name="é" * 65), 422, "name")
    assert in_state(srv, "invites-refus", "pending", people.admin) == []
    # a name of exactly 64 characters (not bytes), and an empty honeypot, are fine
    ok = posted(srv, "invites-refus", "limite", name="N" * 64, website="")
    assert ok["state"] == "pending"
    accents = posted(srv, "invites-refus", "limite", name="é" * 64)
    assert ids(in_state(srv, "invites-refus", "pending", people.admin)) == [ok["id"],
                                                                            accents["id"]]


def test_who_may_comment_follows_the_events_policy(srv, people):
    make_event(srv, people.admin, "reserve")  # members by default
    make_event(srv, people.admin, "ferme", comment_policy="closed")
    make_event(srv, people.admin, "fini", comments_until="2030-01-01T00:00:00+00:00")
    old = posted(srv, "fini", "écrit avant la fin", people.alice)
    r = requests.patch(srv.url("/api/v1/events/fini"), headers=auth(people.admin),
                       json={"comments_until": "2015-01-01T00:00:00-05:00"}, timeout=10)
    assert r.status_code == 200, r.text
    # members only: a guest gets 401, a bad token 401
    refused(say(srv, "reserve", "invité", name="Jo"), 401, "signed-in members only")
    refused(say(srv, "reserve", "jeton", "not-a-token"), 401)
    # closed: nobody
    refused(say(srv, "ferme", "fermé", people.alice), 403, CLOSED)
    refused(say(srv, "ferme", "fermé", people.admin), 403, CLOSED)
    refused(say(srv, "ferme", "fermé", name="Jo"), 403, CLOSED)
    # ended: read-only
    refused(say(srv, "fini", "trop tard", people.alice), 403, "ended")
    refused(say(srv, "fini", "trop tard", people.bruno, parent_id=old["id"]), 403, "ended")
    for slug in ("reserve", "ferme"):
        assert readers(srv, slug) == []
        assert in_state(srv, slug, "pending", people.admin) == []
    assert ids(readers(srv, "fini")) == [old["id"]]
    assert ids(in_state(srv, "fini", "pending", people.admin)) == []
    # a change of policy shows at once
    r = requests.patch(srv.url("/api/v1/events/ferme"), headers=auth(people.admin),
                       json={"comment_policy": "members"}, timeout=10)
    assert r.status_code == 200, r.text
    assert posted(srv, "ferme", "ouvert maintenant", people.alice)["state"] == "approved"


def test_unknown_and_draft_events(srv, people):
    refused(requests.get(comments_url(srv, "nulle-part"), timeout=10), 404)
    refused(say(srv, "nulle-part", "bonjour", people.alice), 404)
    make_event(srv, people.admin, "brouillon-commentaires", state="draft")
    refused(requests.get(comments_url(srv, "brouillon-commentaires"), timeout=10), 404)
    refused(requests.get(comments_url(srv, "brouillon-commentaires"),
                         headers=auth(people.alice), timeout=10), 404)
    refused(say(srv, "brouillon-commentaires", "bonjour", people.alice), 404)
    assert readers(srv, "brouillon-commentaires", people.admin) == []
    assert in_state(srv, "brouillon-commentaires", "approved", people.admin) == []


# ---- the body ----

def test_the_bodys_rules(srv, people):
    make_event(srv, people.admin, "corps")
    token = people.chloe
    h = dict(auth(token), **{"Content-Type": "application/json"})
    for payload in ({}, {"body": ""}, {"body": " \n\t  \n"}):
        r = requests.post(comments_url(srv, "corps"), json=payload, headers=auth(token),
                          timeout=10)
        refused(r, 422, EMPTY)
    refused(say(srv, "corps", "x" * 5001, token), 422, "5001", "5000")
    refused(say(srv, "corps", "é" * 5001, token), 422, "5001", "5000")
    refused(say(srv, "corps", "a\u0001b", token), 422, "control")
    r = requests.post(comments_url(srv, "corps"), data=b'{"body": "caf\xc3 cr\xc0\xafme"}',
                      headers=h, timeout=10)
    refused(r, 400)
    r = requests.post(comments_url(srv, "corps"), data=b'{not json', headers=h, timeout=10)
    refused(r, 400)
    r = requests.post(comments_url(srv, "corps"), data=b"body=bonjour",
                      headers=dict(auth(token), **{"Content-Type":
                                                   "application/x-www-form-urlencoded"}),
                      timeout=10)
    assert r.status_code in (400, 415), r.text
    assert r.json()["error"]
    assert readers(srv, "corps") == []
    assert in_state(srv, "corps", "pending", people.admin) == []
    # exactly 5,000 characters (10,000 bytes) are fine
    c = posted(srv, "corps", "é" * 5000, token)
    assert c["body"] == "é" * 5000
    assert bodies(readers(srv, "corps")) == ["é" * 5000]


def test_the_html_of_a_body(srv, people):
    make_event(srv, people.admin, "rendu")
    body = ("Bonjour\nà tous\n\nVoir http://example.org/page et <script>alert(1)</script> "
            "& \"co\"")
    c = posted(srv, "rendu", body, people.alice)
    assert c["body"] == body
    html = c["html"]
    assert html.count("<p>") == 2 and html.count("</p>") == 2, html
    assert html.startswith("<p>Bonjour<br") and "à tous</p>" in html, html
    assert '<a href="http://example.org/page"' in html, html
    assert 'rel="nofollow ugc noopener"' in html, html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, html
    assert "<script" not in html and "&amp;" in html, html
    assert readers(srv, "rendu")[0]["html"] == html


# ---- replies ----

def test_replies_and_what_cannot_be_replied_to(srv, people):
    make_event(srv, people.admin, "fil", comment_policy="guests")
    make_event(srv, people.admin, "autre-fil")
    top = posted(srv, "fil", "Question: et les jeunes?", people.alice)
    reply = posted(srv, "fil", "Bonne question.", people.bruno, parent_id=top["id"])
    assert reply["parent_id"] == top["id"] and reply["state"] == "approved"
    deeper = posted(srv, "fil", "Tout à fait.", people.chloe, parent_id=reply["id"])
    assert deeper["parent_id"] == reply["id"]
    elsewhere = posted(srv, "autre-fil", "Ailleurs", people.alice)
    waiting = posted(srv, "fil", "en attente", name="Invité")
    assert waiting["state"] == "pending"
    for parent in ("999999", elsewhere["id"], waiting["id"]):
        refused(say(srv, "fil", "réponse", people.bruno, parent_id=parent), 422, "reply")
    refused(say(srv, "fil", "réponse", name="Jo", parent_id=waiting["id"]), 422, "reply")
    listed = readers(srv, "fil")
    assert ids(listed) == [top["id"], reply["id"], deeper["id"]]
    assert [c["parent_id"] for c in listed] == [None, top["id"], reply["id"]]
    assert ids(in_state(srv, "fil", "pending", people.admin)) == [waiting["id"]]
    assert ids(readers(srv, "autre-fil")) == [elsewhere["id"]]
    in_doc = document(srv, "fil")["comments"]
    assert [(c["id"], c["parent_id"]) for c in in_doc] == [
        (top["id"], None), (reply["id"], top["id"]), (deeper["id"], reply["id"])]


def test_one_comment_by_its_id(srv, people):
    make_event(srv, people.admin, "un-seul")
    make_event(srv, people.admin, "un-autre")
    c = posted(srv, "un-seul", "le voici", people.alice)
    other = posted(srv, "un-autre", "pas ici", people.alice)
    r = requests.get(comments_url(srv, "un-seul", c["id"]), headers=auth(people.bruno),
                     timeout=10)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["id"] == c["id"] and got["body"] == "le voici" and got["event"] == "un-seul"
    assert got["liked"] is False
    refused(requests.get(comments_url(srv, "un-seul", "999999"), timeout=10), 404)
    refused(requests.get(comments_url(srv, "un-seul", other["id"]), timeout=10), 404)
    refused(requests.get(comments_url(srv, "un-seul", other["id"]), headers=auth(people.admin),
                         timeout=10), 404)


# ---- edits and deletions ----

def test_only_the_author_changes_a_comment(srv, people):
    make_event(srv, people.admin, "corrections")
    c = posted(srv, "corrections", "premier jet", people.alice)
    url = comments_url(srv, "corrections", c["id"])
    r = requests.patch(url, json={"body": "pas à toi"}, headers=auth(people.bruno), timeout=10)
    refused(r, 403, NOT_AUTHOR)
    r = requests.patch(url, json={"body": "anonyme"}, timeout=10)
    refused(r, 401)
    assert bodies(readers(srv, "corrections")) == ["premier jet"]
    assert readers(srv, "corrections")[0]["edited_at"] is None
    r = requests.patch(url, json={"body": "version **finale** http://example.org/"},
                       headers=auth(people.alice), timeout=10)
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["id"] == c["id"] and edited["body"] == "version **finale** http://example.org/"
    assert edited["edited_at"] and edited["state"] == "approved"
    assert 'href="http://example.org/"' in edited["html"]
    listed = readers(srv, "corrections")
    assert bodies(listed) == [edited["body"]] and listed[0]["edited_at"] == edited["edited_at"]
    assert document(srv, "corrections")["comments"][0]["edited_at"] == edited["edited_at"]


def test_deletion_by_the_author_or_an_editor(srv, people):
    make_event(srv, people.editor, "suppressions")
    mine = posted(srv, "suppressions", "je me suis trompée", people.alice)
    url = comments_url(srv, "suppressions", mine["id"])
    refused(requests.delete(url, headers=auth(people.bruno), timeout=10), 403, NOT_AUTHOR)
    refused(requests.delete(url, timeout=10), 401)
    assert ids(readers(srv, "suppressions")) == [mine["id"]]
    assert requests.delete(url, headers=auth(people.alice), timeout=10).status_code == 204
    assert readers(srv, "suppressions") == []
    # the event's editor deletes a member's comment
    theirs = posted(srv, "suppressions", "hors sujet", people.bruno)
    r = requests.delete(comments_url(srv, "suppressions", theirs["id"]),
                        headers=auth(people.editor), timeout=10)
    assert r.status_code == 204, r.text
    assert readers(srv, "suppressions") == []
    assert document(srv, "suppressions")["comments"] == []
    # the editors' view by state: full objects of the deleted ones
    deleted = in_state(srv, "suppressions", "deleted", people.editor)
    assert set(ids(deleted)) == {mine["id"], theirs["id"]}
    for c in deleted:
        assert c["state"] == "deleted" and c["event"] == "suppressions"
        assert VISIBLE_KEYS - {"liked"} <= set(c), c


def test_a_deleted_comment_with_a_reply_stays_as_a_placeholder(srv, people):
    make_event(srv, people.admin, "trou")
    parent = posted(srv, "trou", "message effacé plus tard", people.alice)
    reply = posted(srv, "trou", "je réponds", people.bruno, parent_id=parent["id"])
    alone = posted(srv, "trou", "seul", people.chloe)
    assert requests.delete(comments_url(srv, "trou", parent["id"]), headers=auth(people.alice),
                           timeout=10).status_code == 204
    assert requests.delete(comments_url(srv, "trou", alone["id"]), headers=auth(people.admin),
                           timeout=10).status_code == 204
    listed = readers(srv, "trou")
    assert ids(listed) == [parent["id"], reply["id"]]
    assert set(listed[0]) == PLACEHOLDER_KEYS, listed[0]
    assert listed[0]["state"] == "deleted" and listed[0]["parent_id"] is None
    assert "message effacé" not in str(listed[0])
    assert listed[1]["parent_id"] == parent["id"] and listed[1]["body"] == "je réponds"
    in_doc = document(srv, "trou")["comments"]
    assert ids(in_doc) == [parent["id"], reply["id"]]
    assert in_doc[0]["state"] == "deleted" and in_doc[0]["body"] == ""
    assert in_doc[0]["author"] is None and in_doc[0]["account"] is None
    assert in_doc[1]["parent_id"] == parent["id"]
    # a comment marked as spam that has a reply: a placeholder too
    spam = posted(srv, "trou", "achetez mes chaussures", people.chloe)
    answer = posted(srv, "trou", "non merci", people.alice, parent_id=spam["id"])
    r = moderate(srv, "trou", spam["id"], "spam", people.admin)
    assert r.status_code == 200 and r.json()["state"] == "spam", r.text
    listed = readers(srv, "trou")
    assert ids(listed) == [parent["id"], reply["id"], spam["id"], answer["id"]]
    assert set(listed[2]) == PLACEHOLDER_KEYS, listed[2]
    assert "chaussures" not in str(listed[2])
    in_doc = document(srv, "trou")["comments"]
    assert in_doc[2]["state"] == "deleted" and in_doc[2]["body"] == ""
    assert in_doc[2]["author"] is None


# ---- likes ----

def test_likes_of_a_comment(srv, people):
    make_event(srv, people.admin, "aime", comment_policy="guests")
    c = posted(srv, "aime", "à aimer", people.alice)
    url = comments_url(srv, "aime", c["id"], "like")
    r = requests.post(url, headers=auth(people.bruno), timeout=10)
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in ("id", "likes", "liked")} == {
        "id": c["id"], "likes": 1, "liked": True}
    r = requests.post(url, headers=auth(people.bruno), timeout=10)
    assert r.status_code == 200 and r.json()["likes"] == 1 and r.json()["liked"] is True, r.text
    r = requests.post(url, headers=auth(people.chloe), timeout=10)
    assert r.status_code == 200 and r.json()["likes"] == 2, r.text
    refused(requests.post(url, timeout=10), 401)
    refused(requests.delete(url, timeout=10), 401)
    # each reader sees the count, and whether they like it
    assert [(x["likes"], x["liked"]) for x in readers(srv, "aime", people.bruno)] == [(2, True)]
    assert [(x["likes"], x["liked"]) for x in readers(srv, "aime", people.alice)] == [(2, False)]
    assert [(x["likes"], x["liked"]) for x in readers(srv, "aime")] == [(2, False)]
    assert document(srv, "aime")["comments"][0]["likes"] == 2
    r = requests.delete(url, headers=auth(people.chloe), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["liked"] is False and r.json()["likes"] == 1
    assert [(x["likes"], x["liked"]) for x in readers(srv, "aime", people.chloe)] == [(1, False)]
    # nothing to like: an unknown or a pending comment
    refused(requests.post(comments_url(srv, "aime", "999999", "like"),
                          headers=auth(people.bruno), timeout=10), 404)
    waiting = posted(srv, "aime", "en attente", name="Invité")
    refused(requests.post(comments_url(srv, "aime", waiting["id"], "like"),
                          headers=auth(people.bruno), timeout=10), 404)
    assert in_state(srv, "aime", "pending", people.admin)[0]["likes"] == 0


def test_likes_of_a_post(srv, people):
    make_event(srv, people.admin, "aime-billet")
    r = requests.post(srv.url("/api/v1/events/aime-billet/posts"), json={"text": "Bravo à tous"},
                      headers=auth(people.admin), timeout=10)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    url = srv.url(f"/api/v1/posts/{pid}/like")
    r = requests.post(url, headers=auth(people.alice), timeout=10)
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in ("id", "likes", "liked")} == {
        "id": pid, "likes": 1, "liked": True}
    r = requests.post(url, headers=auth(people.alice), timeout=10)
    assert r.status_code == 200 and r.json()["likes"] == 1, r.text
    r = requests.post(url, headers=auth(people.bruno), timeout=10)
    assert r.status_code == 200 and r.json()["likes"] == 2, r.text
    assert requests.get(srv.url(f"/api/v1/posts/{pid}"), timeout=10).json()["likes"] == 2
    r = requests.delete(url, headers=auth(people.alice), timeout=10)
    assert r.status_code == 200 and r.json()["liked"] is False and r.json()["likes"] == 1, r.text
    refused(requests.post(url, timeout=10), 401)
    refused(requests.delete(url, timeout=10), 401)
    refused(requests.post(srv.url("/api/v1/posts/999999/like"), headers=auth(people.alice),
                          timeout=10), 404)
    assert requests.get(srv.url(f"/api/v1/posts/{pid}"), timeout=10).json()["likes"] == 1


# ---- moderation ----

def test_only_editors_moderate(srv, people):
    make_event(srv, people.editor, "moderation", comment_policy="guests")
    guest = posted(srv, "moderation", "premier passage", name="Paul", email="paul@example.org")
    member = posted(srv, "moderation", "mon avis", people.alice)
    for action, body in (("approve", {}), ("spam", {}), ("ban", {"what": "account"})):
        cid = member["id"] if action == "ban" else guest["id"]
        refused(moderate(srv, "moderation", cid, action, None, **body), 401)
        refused(moderate(srv, "moderation", cid, action, people.bruno, **body), 403)
    refused(requests.delete(comments_url(srv, "moderation", member["id"]), timeout=10), 401)
    assert ids(in_state(srv, "moderation", "pending", people.editor)) == [guest["id"]]
    assert ids(readers(srv, "moderation")) == [member["id"]]
    # the event's editor approves the guest, marks the member's comment as spam
    r = moderate(srv, "moderation", guest["id"], "approve", people.editor)
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    assert posted(srv, "moderation", "me revoici", name="Paul",
                  email="Paul@Example.org")["state"] == "approved"
    r = moderate(srv, "moderation", member["id"], "spam", people.editor)
    assert r.status_code == 200 and r.json()["state"] == "spam", r.text
    assert member["id"] not in ids(readers(srv, "moderation"))
    assert ids(in_state(srv, "moderation", "spam", people.editor)) == [member["id"]]
    assert guest["id"] in ids(readers(srv, "moderation"))


def test_a_ban_by_account(srv, people):
    make_event(srv, people.admin, "bannir")
    make_event(srv, people.admin, "bannir-ailleurs", comment_policy="guests")
    troll = people.member()
    c = posted(srv, "bannir", "provocation", troll)
    guest = posted(srv, "bannir-ailleurs", "invité", name="Jo")
    refused(moderate(srv, "bannir", c["id"], "ban", people.admin, what="x"), 422)
    refused(moderate(srv, "bannir-ailleurs", guest["id"], "ban", people.admin, what="account"),
            422)
    assert ids(readers(srv, "bannir")) == [c["id"]]
    assert ids(in_state(srv, "bannir-ailleurs", "pending", people.admin)) == [guest["id"]]
    r = moderate(srv, "bannir", c["id"], "ban", people.admin, what="account")
    assert r.status_code == 200, r.text
    assert readers(srv, "bannir") == []
    assert ids(in_state(srv, "bannir", "spam", people.admin)) == [c["id"]]
    refused(say(srv, "bannir", "encore moi", troll), 403, BANNED)
    assert readers(srv, "bannir") == []
    assert ids(in_state(srv, "bannir", "spam", people.admin)) == [c["id"]]
    assert in_state(srv, "bannir", "pending", people.admin) == []
    # others still comment there; the banned account elsewhere
    assert posted(srv, "bannir", "moi je peux", people.alice)["state"] == "approved"
    assert posted(srv, "bannir-ailleurs", "ici je peux", troll)["state"] == "approved"


def test_a_ban_by_address(srv, people):
    # every request comes from 127.0.0.1: the ban is on events of its own
    make_event(srv, people.admin, "bannir-adresse", comment_policy="guests")
    make_event(srv, people.admin, "bannir-adresse-ailleurs", comment_policy="guests")
    spam = posted(srv, "bannir-adresse", "pub pub pub", name="Robot")
    r = moderate(srv, "bannir-adresse", spam["id"], "ban", people.admin, what="address")
    assert r.status_code == 200, r.text
    assert ids(in_state(srv, "bannir-adresse", "spam", people.admin)) == [spam["id"]]
    refused(say(srv, "bannir-adresse", "pub encore", name="Robot 2"), 403, BANNED)
    assert in_state(srv, "bannir-adresse", "pending", people.admin) == []
    assert in_state(srv, "bannir-adresse", "approved", people.admin) == []
    assert posted(srv, "bannir-adresse-ailleurs", "ailleurs", name="Robot")["state"] == "pending"


# ---- the rate limits ----

RATE = re.compile(r"too many comments: try again in (\d+) seconds")


def rate_limited(r):
    message = refused(r, 429)
    match = RATE.search(message)
    assert match, message
    retry = r.headers.get("Retry-After", "")
    assert retry.isdigit() and 1 <= int(retry) <= 600, r.headers
    assert int(match.group(1)) == int(retry), (message, retry)


def test_an_account_is_limited(limited):
    admin = limited.token("admin")
    marc, nina = limited.user("marc"), limited.user("nina")
    make_event(limited, admin, "vite")
    refused(say(limited, "vite", "   ", marc), 422, EMPTY)  # refused: does not count
    first = posted(limited, "vite", "un", marc)
    second = posted(limited, "vite", "deux", marc)
    rate_limited(say(limited, "vite", "trois", marc))
    rate_limited(say(limited, "vite", "trois encore", marc))
    assert ids(readers(limited, "vite")) == [first["id"], second["id"]]
    # another account is not held back by marc's limit
    third = posted(limited, "vite", "moi aussi", nina)
    assert ids(readers(limited, "vite")) == [first["id"], second["id"], third["id"]]


def test_an_address_is_limited(limited):
    admin = limited.token("admin")
    make_event(limited, admin, "foule", comment_policy="guests")
    refused(say(limited, "foule", "sans nom"), 422, NO_NAME)  # refused: do not count
    refused(say(limited, "foule", "robot", name="Bot", website="x"), 422, "website")
    made = [posted(limited, "foule", f"invité {i}", name=f"Invité {i}",
                   email=f"invite{i}@example.org")["id"] for i in range(3)]
    rate_limited(say(limited, "foule", "un de trop", name="Invité 4"))
    assert ids(in_state(limited, "foule", "pending", admin)) == made


# ---- the event document ----

def test_comments_go_through_export_and_import(srv, people, gazouillis_asan, tmp_path):
    slug = "exporte"
    make_event(srv, people.admin, slug, comment_policy="guests")
    a = posted(srv, slug, "Premier commentaire\n\navec deux paragraphes", people.alice)
    g = posted(srv, slug, "Un invité", name="Ginette", email="g@example.org")
    assert moderate(srv, slug, g["id"], "approve", people.admin).status_code == 200
    b = posted(srv, slug, "Une réponse", people.bruno, parent_id=a["id"])
    gone = posted(srv, slug, "sera effacé", people.chloe)
    kept = posted(srv, slug, "réponse à l'effacé", people.alice, parent_id=gone["id"])
    assert requests.delete(comments_url(srv, slug, gone["id"]), headers=auth(people.chloe),
                           timeout=10).status_code == 204
    posted(srv, slug, "jamais approuvé", name="Anonyme")
    assert requests.post(comments_url(srv, slug, a["id"], "like"), headers=auth(people.bruno),
                         timeout=10).status_code == 200
    exported = document(srv, slug)
    comments = exported["comments"]
    assert ids(comments) == [a["id"], g["id"], b["id"], gone["id"], kept["id"]]
    assert comments[0]["likes"] == 1 and comments[1]["avatar_hash"] == sha256("g@example.org")
    assert comments[1]["account"] is None and comments[1]["author"] == "Ginette"
    assert (comments[3]["state"], comments[3]["body"], comments[3]["author"]) == (
        "deleted", "", None)
    other = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log",
                   "--comments-per-address", "1000", "--comments-per-account", "1000")
    try:
        for name in ("alice", "bruno", "chloe"):
            other.user(name)
        r = requests.post(other.url("/api/v1/events"), json=exported,
                          headers=auth(other.token("admin")), timeout=10)
        assert r.status_code == 201, r.text
        assert r.json()["comments"] == comments
        assert document(other, slug)["comments"] == comments
        listed = readers(other, slug)
        assert ids(listed) == ids(comments)
        assert listed[0]["likes"] == 1 and set(listed[3]) == PLACEHOLDER_KEYS
    finally:
        finish(other)


def test_an_imported_document_keeps_ids_and_times(srv, people):
    doc = reference.event_document("importe")
    doc["comment_policy"] = "guests"
    doc["comments"] = [
        {"id": "41", "parent_id": None, "author": "Ginette", "account": None,
         "avatar_hash": sha256("ginette@example.org"), "body": "Merci pour ce compte rendu",
         "state": "approved", "created_at": "2014-11-21T09:30:00-05:00", "edited_at": None,
         "likes": 0},
        {"id": "42", "parent_id": "41", "author": "Jean", "account": None, "avatar_hash": None,
         "body": "D'accord!", "state": "approved", "created_at": "2014-11-21T10:00:00-05:00",
         "edited_at": None, "likes": 0},
    ]
    r = requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(people.admin), timeout=10)
    assert r.status_code == 201, r.text
    got = document(srv, "importe")["comments"]
    assert [(c["id"], c["parent_id"], c["body"], c["author"]) for c in got] == [
        ("41", None, "Merci pour ce compte rendu", "Ginette"), ("42", "41", "D'accord!", "Jean")]
    assert [instant(c["created_at"]) for c in got] == [
        instant(c["created_at"]) for c in doc["comments"]]
    assert got[0]["avatar_hash"] == sha256("ginette@example.org")
    listed = readers(srv, "importe")
    assert ids(listed) == ["41", "42"] and listed[1]["parent_id"] == "41"
    # an imported approved email is known
    assert posted(srv, "importe", "de retour", name="Ginette",
                  email="ginette@example.org")["state"] == "approved"


def test_a_malformed_comment_stores_nothing_of_the_event(srv, people):
    good = {"id": "7", "parent_id": None, "author": "Jo", "account": None, "avatar_hash": None,
            "body": "ok", "state": "approved", "created_at": "2014-11-21T10:00:00-05:00",
            "edited_at": None, "likes": 0}
    cases = [
        "pas une liste",
        [dict(good, state="bogus")],
        [dict(good, body=5)],
        [dict(good, parent_id="999")],
        [dict(good, avatar_hash="not-a-hash")],
        [dict(good, created_at="hier")],
        [dict(good, edited_at="jamais")],
        [dict(good, likes="beaucoup")],
        [{k: v for k, v in good.items() if k != "body"}],
    ]
    accepted = []
    for i, comments in enumerate(cases):
        # a slug and an id each, so that one wrongly accepted leaves the next case whole
        slug = f"mal-forme-{i}"
        if isinstance(comments, list):
            comments = [dict(c, id=f"{700 + i}") for c in comments]
        doc = dict(reference.event_document(slug), comments=comments)
        r = requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(people.admin),
                          timeout=10)
        if r.status_code != 422:
            accepted.append((comments, r.status_code))
            continue
        refused(r, 422, "comments")
        assert requests.get(srv.url(f"/api/v1/events/{slug}"), timeout=10).status_code == 404
        assert requests.get(comments_url(srv, slug), timeout=10).status_code == 404
    assert accepted == [], f"malformed comments were taken: {accepted}"
    # an id twice, or an id another event's comment holds: the id is taken (a conflict, as a
    # slug taken is), named, and nothing of the event is stored
    taken = posted(srv, "membres", "mon id est pris", people.alice)["id"]
    for i, (comments, field) in enumerate((([good, dict(good)], "comments[1].id"),
                                           ([dict(good, id=taken)], "comments[0].id"))):
        slug = f"id-pris-{i}"
        doc = dict(reference.event_document(slug), comments=comments)
        r = requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(people.admin),
                          timeout=10)
        assert r.status_code in (409, 422), r.text
        refused(r, r.status_code, field)
        assert requests.get(srv.url(f"/api/v1/events/{slug}"), timeout=10).status_code == 404
    assert bodies(readers(srv, "membres"))[-1] == "mon id est pris"
