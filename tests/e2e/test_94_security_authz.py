"""tests/e2e/test_94_security_authz.py - who may change what: every
state-changing route of the three route tables (src/api/routes.c,
src/masto/routes.c, src/web/routes.c), tried as anonymous, a member, an
editor of another event, the event's editor and an admin. Each route has
the exact set of roles it lets through; the others must be refused (401,
403, or 404 where the thing is not theirs to see) and the store and the
media folder must be the same after the refusal, row for row. A route
added to a table without a line here fails test_every_state_changing_route_is_covered.

The forms are sent by a signed-in browser with its own valid CSRF token,
so what refuses them is the authorization, not the token (the CSRF
checks have their own file, test_94_security_csrf.py). Routes whose
credentials are in the request itself (sign-in, OAuth) are in OPEN, with
their own tests below.
"""
import pytest
import requests

from security_world import (ROLES, SIGNED, USERS, World, diff, png, snapshot, start,
                            state_changing_routes, stop)

OK = (200, 201, 202, 204, 302, 303)
REFUSED = (401, 403, 404)
ALL = set(ROLES)
SIGNED_IN = set(SIGNED)
EDITORS = {"editor", "admin"}
CREATORS = {"other", "editor", "admin"}


class Case:
    """One route: the roles it lets through, a fresh target, and the request."""

    def __init__(self, method, path, allowed, send, prepare=None, pure=False, refused=REFUSED):
        self.method, self.path, self.allowed = method, path, set(allowed)
        self.send, self.prepare, self.pure, self.refused = send, prepare, pure, refused

    def __repr__(self):
        return f"{self.method} {self.path}"


def nothing(w, role):
    return None


def event_doc(slug):
    return {"slug": slug, "title": "Nouvel événement", "hashtag": "nouveau", "state": "live"}


_n = [0]


def fresh(prefix):
    _n[0] += 1
    return f"{prefix}-{_n[0]}"


def fresh_event(w, role):
    return w.create_event("editor", fresh("gone"), "parti")


def liked_post(w, role):
    pid = w.post()
    if role != "anon":
        assert w.api(role, "POST", f"/api/v1/posts/{pid}/like").status_code == 200
    return pid


def liked_comment(w, role):
    cid = w.comment()
    if role != "anon":
        assert w.api(role, "POST", f"/api/v1/events/closed/comments/{cid}/like").status_code == 200
    return cid


def scheduled(w, role):
    """A status role scheduled for 2030 (another's, for nobody): its id."""
    r = w.api("member" if role == "anon" else role, "POST", "/api/v1/statuses",
              data={"status": fresh("Plus tard"), "scheduled_at": "2030-01-01T00:00:00Z"})
    assert r.status_code == 200, r.text
    fresh("tick")  # the next move is to another time
    return r.json()["id"]


def notified(w, role):
    """A new notification of role (another account mentions it): its id ("1" for nobody)."""
    if role == "anon":
        return "1"
    by = "other" if role == "member" else "member"
    r = w.api(by, "POST", "/api/v1/statuses", data={"status": f"@{USERS[role]} {fresh('tiens')}"})
    assert r.status_code == 200, r.text
    return w.api(role, "GET", "/api/v1/notifications").json()[0]["id"]


def favourited(w, role, action):
    sid = w.status()
    if role != "anon":
        assert w.api(role, "POST", f"/api/v1/statuses/{sid}/{action}").status_code == 200
    return sid


def pinned(w, role):
    sid = w.status()
    assert w.api("editor", "POST", f"/api/v1/statuses/{sid}/pin").status_code == 200
    return sid


def event_post_with_media(w, role):
    mid = w.media("editor")
    r = w.api("editor", "POST", "/api/v1/statuses",
              data={"status": "Jacques Beaudet: une photo #ferme", "media_ids[]": mid})
    assert r.status_code == 200, r.text
    return mid


def edit_fields(w, slug):
    from test_42_event_edit import form_of
    page = w.browsers["editor"].get(w.server.url(f"/e/{slug}/edit"), timeout=10)
    assert page.status_code == 200, page.text[:500]
    fields = form_of(page.text, f"/e/{slug}/edit")
    fields.pop("csrf")
    fields["title"] = fresh("Titre changé")
    return fields


def comment_to_ban(w, role):
    """A guest's comment on an event of its own: banning its address closes that event alone."""
    slug = w.create_event("editor", fresh("ban"), "ban", comment_policy="guests")
    return slug, w.pending_comment(slug)


def app_for_authorize(w, role):
    return w.app()["client_id"]


API = [
    # the native JSON API
    Case("POST", "/api/v1/events", CREATORS,
         lambda w, r, c: w.api(r, "POST", "/api/v1/events", json=event_doc(fresh("new")))),
    Case("PATCH", "/api/v1/events/:slug", EDITORS,
         lambda w, r, c: w.api(r, "PATCH", "/api/v1/events/closed",
                               json={"title": fresh("Autre titre")})),
    Case("DELETE", "/api/v1/events/:slug", EDITORS,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/events/{c}"), fresh_event),
    Case("POST", "/api/v1/events/:slug/posts", EDITORS,
         lambda w, r, c: w.api(r, "POST", "/api/v1/events/closed/posts",
                               json={"text": "Jacques Beaudet: oui"})),
    Case("PATCH", "/api/v1/posts/:id", EDITORS,
         lambda w, r, c: w.api(r, "PATCH", f"/api/v1/posts/{c}", json={"text": "changé"}),
         lambda w, r: w.post()),
    Case("DELETE", "/api/v1/posts/:id", EDITORS,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/posts/{c}"), lambda w, r: w.post()),
    Case("POST", "/api/v1/posts/:id/approve", EDITORS,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/posts/{c}/approve"),
         lambda w, r: w.pending_post()),
    Case("POST", "/api/v1/posts/:id/hide", EDITORS,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/posts/{c}/hide"),
         lambda w, r: w.pending_post()),
    Case("POST", "/api/v1/posts/:id/like", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/posts/{c}/like"), lambda w, r: w.post()),
    Case("DELETE", "/api/v1/posts/:id/like", SIGNED_IN,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/posts/{c}/like"), liked_post),
    Case("POST", "/api/v1/text/count", ALL,
         lambda w, r, c: w.api(r, "POST", "/api/v1/text/count", json={"text": "un mot"}),
         pure=True),
    Case("POST", "/api/v1/text/split", ALL,
         lambda w, r, c: w.api(r, "POST", "/api/v1/text/split",
                               json={"text": "Une phrase. " * 30}), pure=True),
    Case("POST", "/api/v1/text/fit", ALL,
         lambda w, r, c: w.api(r, "POST", "/api/v1/text/fit",
                               json={"text": "développement " * 12}), pure=True),
    Case("POST", "/api/v1/events/:slug/comments", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v1/events/closed/comments",
                               json={"body": "Merci", "name": "Invité"})),
    Case("PATCH", "/api/v1/events/:slug/comments/:id", {"member"},
         lambda w, r, c: w.api(r, "PATCH", f"/api/v1/events/closed/comments/{c}",
                               json={"body": "corrigé"}), lambda w, r: w.comment()),
    Case("DELETE", "/api/v1/events/:slug/comments/:id", {"member"} | EDITORS,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/events/closed/comments/{c}"),
         lambda w, r: w.comment()),
    Case("POST", "/api/v1/events/:slug/comments/:id/like", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/events/closed/comments/{c}/like"),
         lambda w, r: w.comment()),
    Case("DELETE", "/api/v1/events/:slug/comments/:id/like", SIGNED_IN,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/events/closed/comments/{c}/like"),
         liked_comment),
    Case("POST", "/api/v1/events/:slug/comments/:id/approve", EDITORS,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/events/open/comments/{c}/approve"),
         lambda w, r: w.pending_comment()),
    Case("POST", "/api/v1/events/:slug/comments/:id/spam", EDITORS,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/events/open/comments/{c}/spam"),
         lambda w, r: w.pending_comment()),
    Case("POST", "/api/v1/events/:slug/comments/:id/ban", EDITORS,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/events/{c[0]}/comments/{c[1]}/ban",
                               json={"what": "address"}), comment_to_ban),
    # the Mastodon client API
    Case("POST", "/api/v1/statuses", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v1/statuses", data={"status": "Bonjour"})),
    # Mastodon lets the author alone edit a status (admins delete it)
    Case("PUT", "/api/v1/statuses/:id", {"editor"},
         lambda w, r, c: w.api(r, "PUT", f"/api/v1/statuses/{c}", data={"status": "Changé"}),
         lambda w, r: w.status()),
    Case("DELETE", "/api/v1/statuses/:id", EDITORS,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/statuses/{c}"), lambda w, r: w.status()),
    Case("POST", "/api/v1/statuses/:id/favourite", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/favourite"),
         lambda w, r: w.status()),
    Case("POST", "/api/v1/statuses/:id/unfavourite", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/unfavourite"),
         lambda w, r: favourited(w, r, "favourite")),
    Case("POST", "/api/v1/statuses/:id/reblog", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/reblog"),
         lambda w, r: w.status()),
    Case("POST", "/api/v1/statuses/:id/unreblog", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/unreblog"),
         lambda w, r: favourited(w, r, "reblog")),
    Case("POST", "/api/v1/statuses/:id/bookmark", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/bookmark"),
         lambda w, r: w.status()),
    Case("POST", "/api/v1/statuses/:id/unbookmark", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/unbookmark"),
         lambda w, r: favourited(w, r, "bookmark")),
    # a pin is its author's alone (w.status() is the editor's): 422 for the others, as Mastodon
    Case("POST", "/api/v1/statuses/:id/pin", {"editor"},
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/pin"),
         lambda w, r: w.status(), refused=REFUSED + (422,)),
    Case("POST", "/api/v1/statuses/:id/unpin", {"editor"},
         lambda w, r, c: w.api(r, "POST", f"/api/v1/statuses/{c}/unpin"),
         pinned, refused=REFUSED + (422,)),
    Case("POST", "/api/v1/media", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v1/media",
                               files={"file": ("a.png", png(),
                                               "image/png")})),
    Case("POST", "/api/v2/media", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v2/media",
                               files={"file": ("a.png", png(),
                                               "image/png")})),
    Case("PUT", "/api/v1/media/:id", {"editor"},
         lambda w, r, c: w.api(r, "PUT", f"/api/v1/media/{c}", data={"description": "autre"}),
         lambda w, r: w.media()),
    Case("PATCH", "/api/v1/accounts/update_credentials", SIGNED_IN,
         lambda w, r, c: w.api(r, "PATCH", "/api/v1/accounts/update_credentials",
                               data={"display_name": fresh("Nom")})),
    Case("POST", "/api/v1/notifications/clear", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v1/notifications/clear"), notified),
    Case("POST", "/api/v1/notifications/:id/dismiss", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", f"/api/v1/notifications/{c}/dismiss"), notified),
    Case("POST", "/api/v1/notifications/dismiss", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v1/notifications/dismiss", data={"id": c}),
         notified),
    Case("PUT", "/api/v1/scheduled_statuses/:id", SIGNED_IN,
         lambda w, r, c: w.api(r, "PUT", f"/api/v1/scheduled_statuses/{c}",
                               data={"scheduled_at": f"2031-01-01T00:{_n[0] % 60:02d}:00Z"}),
         lambda w, r: scheduled(w, r)),
    Case("DELETE", "/api/v1/scheduled_statuses/:id", SIGNED_IN,
         lambda w, r, c: w.api(r, "DELETE", f"/api/v1/scheduled_statuses/{c}"),
         lambda w, r: scheduled(w, r)),
    Case("POST", "/api/v1/markers", SIGNED_IN,
         lambda w, r, c: w.api(r, "POST", "/api/v1/markers",
                               data={"home[last_read_id]": str(_n[0] + 1000)})),
]

WEB = [
    Case("POST", "/logout", SIGNED_IN,
         lambda w, r, c: w.form(r, "/logout", browser=c[0], csrf=c[1]),
         lambda w, r: w.sign_in(r) if r != "anon" else (w.browsers["anon"], w.csrf["anon"])),
    Case("POST", "/events/new", CREATORS,
         lambda w, r, c: w.form(r, "/events/new", {"title": "Par formulaire",
                                                   "slug": fresh("form"), "hashtag": "forme",
                                                   "state": "live", "lang": "fr"})),
    Case("POST", "/e/:slug/posts", EDITORS,
         lambda w, r, c: w.form(r, "/e/closed/posts", {"text": "Jacques Beaudet: formulaire"})),
    Case("POST", "/e/:slug/edit", EDITORS,
         lambda w, r, c: w.form(r, "/e/closed/edit", c), lambda w, r: edit_fields(w, "closed")),
    Case("POST", "/e/:slug/import", EDITORS,
         lambda w, r, c: w.form(r, "/e/closed/import", files={
             "file": ("list.txt", f"- importé {fresh('ligne')}\n".encode(), "text/plain")})),
    Case("POST", "/posts/:id/edit", EDITORS,
         lambda w, r, c: w.form(r, f"/posts/{c}/edit", {"text": "Jacques Beaudet: modifié"}),
         lambda w, r: w.post()),
    Case("POST", "/posts/:id/delete", EDITORS,
         lambda w, r, c: w.form(r, f"/posts/{c}/delete"), lambda w, r: w.post()),
    Case("POST", "/posts/:id/approve", EDITORS,
         lambda w, r, c: w.form(r, f"/posts/{c}/approve"), lambda w, r: w.pending_post()),
    Case("POST", "/posts/:id/hide", EDITORS,
         lambda w, r, c: w.form(r, f"/posts/{c}/hide"), lambda w, r: w.pending_post()),
    Case("POST", "/posts/:id/like", SIGNED_IN,
         lambda w, r, c: w.form(r, f"/posts/{c}/like", {"like": "1"}), lambda w, r: w.post()),
    Case("POST", "/e/:slug/comments", SIGNED_IN,
         lambda w, r, c: w.form(r, "/e/closed/comments", {"body": "Par formulaire",
                                                          "name": "Invité"})),
    Case("POST", "/e/:slug/comments/:id/edit", {"member"},
         lambda w, r, c: w.form(r, f"/e/closed/comments/{c}/edit", {"body": "corrigé"}),
         lambda w, r: w.comment()),
    Case("POST", "/e/:slug/comments/:id/delete", {"member"} | EDITORS,
         lambda w, r, c: w.form(r, f"/e/closed/comments/{c}/delete"), lambda w, r: w.comment()),
    Case("POST", "/e/:slug/comments/:id/like", SIGNED_IN,
         lambda w, r, c: w.form(r, f"/e/closed/comments/{c}/like", {"like": "1"}),
         lambda w, r: w.comment()),
    Case("POST", "/e/:slug/comments/:id/moderate", EDITORS,
         lambda w, r, c: w.form(r, f"/e/open/comments/{c}/moderate", {"action": "approve"}),
         lambda w, r: w.pending_comment()),
    Case("POST", "/media/:id/credit", EDITORS,
         lambda w, r, c: w.form(r, f"/media/{c}/credit", {"credit": "Photo : X"}),
         event_post_with_media),
    Case("POST", "/settings/profile", SIGNED_IN,
         lambda w, r, c: w.form(r, "/settings/profile", {"display_name": fresh("Formulaire"),
                                                         "note": ""})),
    Case("POST", "/oauth/authorize", SIGNED_IN,
         lambda w, r, c: w.form(r, "/oauth/authorize", {
             "client_id": c, "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "scope": "read",
             "response_type": "code", "decision": "allow"}), app_for_authorize),
]

MATRIX = {(c.method, c.path): c for c in API + WEB}

# Credentials in the request itself: not a role's to hold. Each has its test here.
OPEN = {
    ("POST", "/login"): "test_sign_in_grants_only_the_right_password",
    ("POST", "/api/v1/apps"): "test_registering_an_app_grants_nothing",
    ("POST", "/oauth/token"): "test_a_token_needs_the_accounts_password",
    ("POST", "/oauth/revoke"): "test_an_app_revokes_only_its_own_tokens",
}


@pytest.fixture(scope="module")
def world(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "authz")
    yield World(srv)
    stop(srv)


def test_every_state_changing_route_is_covered():
    routes = set(state_changing_routes())
    covered = set(MATRIX) | set(OPEN)
    assert routes - covered == set(), "state-changing routes without an authorization check"
    assert covered - routes == set(), "checks of routes that are gone"
    assert len(MATRIX) == len(API) + len(WEB), "a route listed twice"


@pytest.mark.parametrize("case", API + WEB, ids=repr)
def test_authorization_matrix(world, case):
    got = {}
    for role in ROLES:
        ctx = case.prepare(world, role) if case.prepare else None
        before = snapshot(world.server)
        r = case.send(world, role, ctx)
        after = snapshot(world.server)
        got[role] = r.status_code
        where = f"{case!r} as {role}: {r.status_code} {r.text[:300]!r}"
        assert r.status_code < 500, where
        if role in case.allowed:
            assert r.status_code in OK, where
            if not case.pure:
                assert before != after, f"{where}: allowed, yet nothing changed"
        else:
            assert r.status_code in case.refused, where
            if r.status_code != 401 and role != "anon" and case.path.startswith("/api/"):
                assert r.headers["Content-Type"].startswith("application/json"), where
            assert before == after, f"{where}: refused, yet {diff(before, after)}"
        if case.pure:
            assert before == after, f"{where}: {diff(before, after)}"
    allowed = {role for role, status in got.items() if status in OK}
    assert allowed == case.allowed, got


def test_anonymous_api_writes_are_401(world):
    """Without a token the JSON APIs say 401 (with WWW-Authenticate), not 403 or 404."""
    pid, cid = world.post(), world.comment()
    for method, path, body in (
            ("POST", "/api/v1/events", {"json": event_doc("anon")}),
            ("PATCH", "/api/v1/events/closed", {"json": {"title": "x"}}),
            ("DELETE", "/api/v1/events/closed", {}),
            ("POST", "/api/v1/events/closed/posts", {"json": {"text": "x"}}),
            ("PATCH", f"/api/v1/posts/{pid}", {"json": {"text": "x"}}),
            ("DELETE", f"/api/v1/posts/{pid}", {}),
            ("POST", f"/api/v1/posts/{pid}/like", {}),
            ("POST", f"/api/v1/events/closed/comments/{cid}/approve", {}),
            ("POST", "/api/v1/statuses", {"data": {"status": "x"}}),
            ("DELETE", f"/api/v1/statuses/{pid}", {})):
        r = world.api("anon", method, path, **body)
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert "WWW-Authenticate" in r.headers, (method, path)


def test_a_bad_token_is_401_never_a_guest(world):
    before = snapshot(world.server)
    for method, path, body in (
            ("POST", "/api/v1/events/open/comments", {"json": {"body": "x", "name": "Bob"}}),
            ("POST", "/api/v1/events", {"json": event_doc("bad-token")}),
            ("POST", "/api/v1/statuses", {"data": {"status": "x"}})):
        r = requests.request(method, world.server.url(path), timeout=10,
                             headers={"Authorization": "Bearer " + "A" * 43}, **body)
        assert r.status_code == 401, (method, path, r.status_code, r.text)
    assert snapshot(world.server) == before


def test_ids_of_another_event_are_not_reached_through_ones_own(world):
    """The editor of 'elsewhere' names a comment of 'open' under its own event: 404, no change."""
    cid = world.pending_comment()
    before = snapshot(world.server)
    for action, body in (("approve", None), ("spam", None), ("ban", {"what": "address"})):
        r = world.api("other", "POST", f"/api/v1/events/elsewhere/comments/{cid}/{action}",
                      json=body)
        assert r.status_code == 404, (action, r.status_code, r.text)
    r = world.api("other", "DELETE", f"/api/v1/events/elsewhere/comments/{cid}")
    assert r.status_code == 404, r.text
    r = world.form("other", f"/e/elsewhere/comments/{cid}/moderate", {"action": "approve"})
    assert r.status_code == 404, r.text
    r = world.form("other", f"/e/elsewhere/comments/{cid}/delete")
    assert r.status_code == 404, r.text
    assert snapshot(world.server) == before, diff(before, snapshot(world.server))


def test_a_draft_is_nobody_elses(world):
    """A draft event: its editors and admins see and change it; to the others it does not exist."""
    world.create_event("editor", "brouillon", "brouillon", state="draft")
    pid = world.post(slug="brouillon")
    before = snapshot(world.server)
    for role in ("anon", "member", "other"):
        for method, path, kw in (
                ("GET", "/api/v1/events/brouillon", {}),
                ("PATCH", "/api/v1/events/brouillon", {"json": {"title": "x"}}),
                ("POST", "/api/v1/events/brouillon/posts", {"json": {"text": "x"}}),
                ("POST", f"/api/v1/posts/{pid}/like", {}),
                ("POST", "/api/v1/events/brouillon/comments", {"json": {"body": "x"}})):
            r = world.api(role, method, path, **kw)
            assert r.status_code in ((401, 404) if role == "anon" else (404,)), \
                (role, method, path, r.status_code, r.text)
        for path in ("/e/brouillon", "/e/brouillon/recap", "/e/brouillon.json",
                     "/e/brouillon/recap.md", "/e/brouillon/feed.atom", "/e/brouillon/wall",
                     "/e/brouillon/edit", "/e/brouillon/moderate"):
            r = world.browsers[role].get(world.server.url(path), timeout=10,
                                         allow_redirects=False)
            if role == "anon" and r.status_code == 303:  # sign in first
                assert r.headers["Location"].startswith("/login"), (path, r.headers)
                continue
            assert r.status_code in (403, 404), (role, path, r.status_code)
            assert "Event brouillon" not in r.text, (role, path)
        for path, fields in (("/e/brouillon/posts", {"text": "x"}),
                             ("/e/brouillon/comments", {"body": "x", "name": "x"}),
                             (f"/posts/{pid}/like", {"like": "1"}),
                             ("/e/brouillon/edit", {"title": "x"})):
            r = world.form(role, path, fields)
            assert r.status_code in (403, 404), (role, path, r.status_code)
            assert "Event brouillon" not in r.text, (role, path)
    assert snapshot(world.server) == before


# ---- the open routes ----

def test_sign_in_grants_only_the_right_password(world):
    from test_40_web_auth import sign_in
    before = snapshot(world.server)
    for name in ("mem", "ed", "admin", "nobody"):
        s, r = sign_in(world.server, name, "not-the-password")
        assert r.status_code == 401 and "gz_session" not in s.cookies, (name, r.status_code)
    assert snapshot(world.server) == before
    s, r = sign_in(world.server, "mem", world.passwords["mem"])
    assert r.status_code == 303 and "gz_session" in s.cookies


def test_registering_an_app_grants_nothing(world):
    app = world.app()
    before = snapshot(world.server)
    # its own token speaks for nobody: it cannot post
    r = requests.post(world.server.url("/oauth/token"),
                      data={"grant_type": "client_credentials", "client_id": app["client_id"],
                            "client_secret": app["client_secret"], "scope": "read write"},
                      timeout=10)
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    mid = snapshot(world.server)
    for method, path, kw in (("POST", "/api/v1/statuses", {"data": {"status": "x"}}),
                             ("POST", "/api/v1/events/closed/posts", {"json": {"text": "x"}}),
                             ("POST", "/api/v2/media", {"files": {"file": ("a.png", b"x")}})):
        r = requests.request(method, world.server.url(path), timeout=10,
                             headers={"Authorization": f"Bearer {token}"}, **kw)
        assert r.status_code in (401, 403, 422), (path, r.status_code, r.text)
    assert snapshot(world.server) == mid
    assert before != mid  # the app token itself was stored


def test_a_token_needs_the_accounts_password(world):
    app = world.app()
    before = snapshot(world.server)
    for user, password in (("mem", "wrong"), ("admin", world.passwords["mem"]), ("nobody", "x"),
                           ("mem", "")):
        r = requests.post(world.server.url("/oauth/token"),
                          data={"grant_type": "password", "client_id": app["client_id"],
                                "client_secret": app["client_secret"], "username": user,
                                "password": password, "scope": "read write"}, timeout=30)
        assert r.status_code in (400, 401), (user, r.status_code, r.text)
    # the right password with the wrong client secret
    r = requests.post(world.server.url("/oauth/token"),
                      data={"grant_type": "password", "client_id": app["client_id"],
                            "client_secret": "x" * 43, "username": "mem",
                            "password": world.passwords["mem"]}, timeout=30)
    assert r.status_code in (400, 401), r.text
    assert snapshot(world.server) == before
    r = requests.post(world.server.url("/oauth/token"),
                      data={"grant_type": "password", "client_id": app["client_id"],
                            "client_secret": app["client_secret"], "username": "mem",
                            "password": world.passwords["mem"], "scope": "read"}, timeout=30)
    assert r.status_code == 200, r.text


def test_an_app_revokes_only_its_own_tokens(world):
    mine, theirs = world.app(), world.app()
    r = requests.post(world.server.url("/oauth/token"),
                      data={"grant_type": "password", "client_id": theirs["client_id"],
                            "client_secret": theirs["client_secret"], "username": "mem",
                            "password": world.passwords["mem"], "scope": "read write"},
                      timeout=30)
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    before = snapshot(world.server)
    for client in (mine, {"client_id": theirs["client_id"], "client_secret": "y" * 43}):
        r = requests.post(world.server.url("/oauth/revoke"),
                          data={"client_id": client["client_id"],
                                "client_secret": client["client_secret"], "token": token},
                          timeout=10)
        assert r.status_code in (200, 401, 403), r.text
    assert snapshot(world.server) == before
    verify = requests.get(world.server.url("/api/v1/accounts/verify_credentials"),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert verify.status_code == 200
    r = requests.post(world.server.url("/oauth/revoke"),
                      data={"client_id": theirs["client_id"],
                            "client_secret": theirs["client_secret"], "token": token}, timeout=10)
    assert r.status_code == 200, r.text
    verify = requests.get(world.server.url("/api/v1/accounts/verify_credentials"),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert verify.status_code == 401


def test_what_waits_or_is_hidden_is_shown_to_nobody_else(world):
    """A post waiting for approval or hidden, a guest's comment waiting or marked spam, a
    private or direct status: on no page, export, feed or API answer of those who may not see
    them; the event's editor sees what waits in the queue."""
    marks = {k: f"secret{k}{n}" for n, k in enumerate(("pending", "hidden", "cpending", "spam",
                                                        "private", "direct"))}
    r = world.api("member", "POST", "/api/v1/events/open/posts",
                  json={"text": f"{marks['pending']} #ouvert"})
    assert r.json()["state"] == "pending", r.text
    pending = r.json()["id"]
    r = world.api("member", "POST", "/api/v1/events/open/posts", json={"text": marks["hidden"]})
    hidden = r.json()["id"]
    assert world.api("editor", "POST", f"/api/v1/posts/{hidden}/hide").status_code == 200
    for key in ("cpending", "spam"):
        r = world.api("anon", "POST", "/api/v1/events/open/comments",
                      json={"body": marks[key], "name": "Invité",
                            "email": f"{key}@example.org"})
        assert r.json()["state"] == "pending", r.text
        if key == "spam":
            cid = r.json()["id"]
            assert world.api("editor", "POST",
                             f"/api/v1/events/open/comments/{cid}/spam").status_code == 200
    statuses = {}
    for key in ("private", "direct"):
        r = world.api("member", "POST", "/api/v1/statuses",
                      data={"status": f"{marks[key]} #ouvert", "visibility": key})
        assert r.status_code == 200, r.text
        statuses[key] = r.json()["id"]
    pages = ["/", "/e/open", "/e/open/recap", "/e/open/recap?view=speakers", "/e/open/recap.md",
             "/e/open/recap.html", "/e/open.json", "/e/open/feed.atom", "/e/open/comments.atom",
             "/e/open/wall", "/tags/ouvert", "/@mem", "/users/mem",
             "/search?q=ouvert", "/search?q=secret", "/api/v1/events/open",
             "/api/v1/events/open/posts", "/api/v1/events/open/comments",
             "/api/v1/events/open/comments?state=pending", "/api/v1/events/open/comments?state=spam",
             f"/api/v1/posts/{pending}", f"/api/v1/posts/{hidden}", "/api/v1/timelines/public",
             "/api/v1/timelines/tag/ouvert", "/api/v2/search?q=ouvert",
             f"/api/v1/statuses/{pending}", f"/api/v1/statuses/{hidden}",
             f"/api/v1/statuses/{statuses['private']}", f"/api/v1/statuses/{statuses['direct']}",
             "/api/v1/accounts/verify_credentials", "/e/open/moderate"]
    checked = 0
    for role in ("anon", "other"):
        for path in pages:
            r = world.browsers[role].get(world.server.url(path), timeout=10,
                                         headers=world.headers(role), allow_redirects=False)
            for key, mark in marks.items():
                assert mark not in r.text, (role, path, key, r.status_code)
            checked += 1
    # the queue and its live streams are the editors' alone
    for role in ("anon", "member", "other"):
        for path in ("/api/v1/events/open/pending", "/api/v1/events/open/moderation/stream",
                     "/e/open/moderate/stream", "/e/open/moderate"):
            with world.browsers[role].get(world.server.url(path), headers=world.headers(role),
                                          stream=True, timeout=5, allow_redirects=False) as r:
                assert r.status_code in (303, 401, 403, 404), (role, path, r.status_code)
                checked += 1
    # the author sees its own private status; the editor sees the queue
    r = world.api("member", "GET", f"/api/v1/statuses/{statuses['private']}")
    assert marks["private"] in r.text
    r = world.browsers["editor"].get(world.server.url("/e/open/moderate"), timeout=10)
    assert marks["pending"] in r.text and marks["cpending"] in r.text
    print(f"\nreads: {checked} answers to others without anything hidden or waiting")
