"""tests/e2e/test_94_security_csrf.py - forms that only this site's pages
can send, and sessions that only their browser holds.

CSRF: every POST route of src/web/routes.c is sent by an account allowed
to use it, with its token missing, forged, and taken from another
session (or, for guests, another guest's cookie): each is refused with a
403 page that says why, and the store is the same row for row. The pages
are crawled as the editor, a member and a guest, and every POST form
found must carry a csrf field and be one of the routes checked here; the
same form with its own token goes through, so the refusals are the
token's doing.

Sessions: an id planted before sign-in is not the one after it (and
opens nothing), the cookies' flags (HttpOnly, SameSite=Lax, Path, and
Secure when the server speaks TLS), a sign-out that ends the session in
the store, and a session cookie that never opens the JSON API.
"""
import re
import secrets
import subprocess
import urllib.parse
from html.parser import HTMLParser

import pytest
import requests

from conftest import Server
from security_world import (LOOSE, World, diff, route_table, sign_in_as, snapshot, start,
                            stop)
from test_40_web_auth import login_csrf, set_cookies

EN = {"Accept-Language": "en"}
CSRF_TEXT = "missing or invalid CSRF token"
SIGN_IN_FIRST = "Sign in first"


@pytest.fixture(scope="module")
def world(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "csrf")
    w = World(srv)
    for s in w.browsers.values():
        s.headers.update(EN)
    yield w
    stop(srv)


def forged():
    return secrets.token_urlsafe(32)[:43]


def guest_comment(w, browser, token):
    """A guest's comment on the open event, sent by browser: its id (it waits)."""
    r = w.form("anon", "/e/open/comments", {"body": "Bravo", "name": "Invité",
                                             "email": f"{forged()}@example.org"},
               browser=browser, csrf=token)
    assert r.status_code == 303, r.text[:300]
    with __import__("sqlite3").connect(f"{w.server.data}/gazouillis.db") as db:
        return db.execute("SELECT max(id) FROM comments").fetchone()[0]


def media_on_event(w):
    mid = w.media("editor")
    r = w.api("editor", "POST", "/api/v1/statuses",
              data={"status": "Jacques Beaudet: photo #ferme", "media_ids[]": mid})
    assert r.status_code == 200, r.text
    return mid


def new_event_fields(w):
    return {"title": "Par formulaire", "slug": f"f-{secrets.token_hex(4)}", "hashtag": "forme",
            "state": "live", "lang": "fr"}


# route pattern -> (role, how to make the path and fields)
FORMS = {
    "/logout": ("member", lambda w: ("/logout", {})),
    "/events/new": ("editor", lambda w: ("/events/new", new_event_fields(w))),
    "/e/:slug/posts": ("editor", lambda w: ("/e/closed/posts", {"text": "Jacques Beaudet: oui"})),
    "/e/:slug/edit": ("editor", lambda w: ("/e/closed/edit", {"title": "x"})),
    "/e/:slug/import": ("editor", lambda w: ("/e/closed/import", {})),
    "/posts/:id/edit": ("editor", lambda w: (f"/posts/{w.post()}/edit", {"text": "changé"})),
    "/posts/:id/delete": ("editor", lambda w: (f"/posts/{w.post()}/delete", {})),
    "/posts/:id/approve": ("editor", lambda w: (f"/posts/{w.pending_post()}/approve", {})),
    "/posts/:id/hide": ("editor", lambda w: (f"/posts/{w.pending_post()}/hide", {})),
    "/posts/:id/like": ("member", lambda w: (f"/posts/{w.post()}/like", {"like": "1"})),
    "/e/:slug/comments": ("member", lambda w: ("/e/closed/comments", {"body": "Merci"})),
    "/e/:slug/comments/:id/like": (
        "member", lambda w: (f"/e/closed/comments/{w.comment('editor')}/like", {"like": "1"})),
    "/e/:slug/comments/:id/edit": (
        "member", lambda w: (f"/e/closed/comments/{w.comment()}/edit", {"body": "corrigé"})),
    "/e/:slug/comments/:id/delete": (
        "member", lambda w: (f"/e/closed/comments/{w.comment()}/delete", {})),
    "/e/:slug/comments/:id/moderate": (
        "editor", lambda w: (f"/e/open/comments/{w.pending_comment()}/moderate",
                             {"action": "approve"})),
    "/oauth/authorize": ("member", lambda w: ("/oauth/authorize", {
        "client_id": w.app()["client_id"], "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        "scope": "read", "response_type": "code", "decision": "allow"})),
    "/settings/profile": ("member", lambda w: ("/settings/profile",
                                               {"display_name": "Membre", "note": "x"})),
    "/media/:id/credit": ("editor", lambda w: (f"/media/{media_on_event(w)}/credit",
                                              {"credit": "Photo : X"})),
}
# sign-in has its own token (the gz_csrf cookie, double-submitted): test_sign_in_needs_its_token
OWN_TEST = {"/login"}
FILES = {"/e/:slug/import": lambda: {"file": ("list.txt", b"- une ligne\n", "text/plain")}}


def web_post_routes():
    return {p for m, p, f in route_table() if f == "web/routes.c" and m == "POST"}


def pattern_of(path):
    """The route pattern of a concrete form action."""
    path = urllib.parse.urlsplit(path).path
    for p in web_post_routes():
        rx = "^" + re.sub(r":[a-z]+", "[^/]+", re.escape(p).replace("\\:", ":")) + "$"
        if re.match(rx, path):
            return p
    return None


def refuse(w, role, pattern, token, why):
    path, fields = FORMS[pattern][1](w)
    before = snapshot(w.server)
    files = FILES[pattern]() if pattern in FILES else None
    r = w.form(role, path, fields, files=files, csrf=token)
    after = snapshot(w.server)
    where = f"{pattern} as {role} with {why}: {r.status_code}"
    assert r.status_code == 403, f"{where} {r.text[:300]!r}"
    assert r.headers["Content-Type"].startswith("text/html"), where
    assert CSRF_TEXT in r.text, where
    assert before == after, f"{where}: {diff(before, after)}"


def test_every_form_route_is_checked():
    assert web_post_routes() == set(FORMS) | OWN_TEST


@pytest.mark.parametrize("pattern", sorted(FORMS))
def test_a_form_without_its_token_is_refused(world, pattern):
    role = FORMS[pattern][0]
    other = "admin" if role != "admin" else "editor"
    for token, why in (("", "no token"), (forged(), "a forged token"),
                       (world.csrf[other], "another session's token"),
                       (world.csrf["anon"], "a guest's token")):
        refuse(world, role, pattern, token, why)
    # a field named csrf twice: the first is the forged one
    path, fields = FORMS[pattern][1](world)
    before = snapshot(world.server)
    r = world.browsers[role].post(world.server.url(path), allow_redirects=False, timeout=30,
                                  data=[("csrf", forged()), ("csrf", world.csrf[role])] +
                                  list(fields.items()),
                                  files=FILES[pattern]() if pattern in FILES else None)
    assert r.status_code == 403 and before == snapshot(world.server), (pattern, r.status_code)
    # the same form with its own token goes through
    if pattern != "/logout":
        path, fields = FORMS[pattern][1](world)
        files = FILES[pattern]() if pattern in FILES else None
        if pattern == "/e/:slug/edit":
            from test_94_security_authz import edit_fields
            fields = edit_fields(world, "closed")
        r = world.form(role, path, fields, files=files)
        assert r.status_code in (200, 302, 303), (pattern, r.status_code, r.text[:300])


def test_a_form_without_a_session_says_sign_in(world):
    """No session cookie at all: 403, sign in first (even with a token that was once good)."""
    for pattern in sorted(FORMS):
        path, fields = FORMS[pattern][1](world)
        if pattern in ("/e/:slug/comments", "/e/:slug/comments/:id/edit",
                       "/e/:slug/comments/:id/delete"):
            continue  # a guest may send these: test_guest_forms_need_the_guests_token
        before = snapshot(world.server)
        r = requests.post(world.server.url(path), data=dict(fields, csrf=world.csrf["member"]),
                          headers=EN, allow_redirects=False, timeout=30,
                          files=FILES[pattern]() if pattern in FILES else None)
        assert r.status_code == 403, (pattern, r.status_code)
        assert SIGN_IN_FIRST in r.text or CSRF_TEXT in r.text, (pattern, r.text[:300])
        assert before == snapshot(world.server), pattern


def test_guest_forms_need_the_guests_token(world):
    """A guest's double submit: the gz_guest cookie and the field must match."""
    guest, token = world.guest()
    guest.headers.update(EN)
    other, other_token = world.guest()
    cid = guest_comment(world, guest, token)
    for path, fields in (("/e/open/comments", {"body": "x", "name": "Invité"}),
                         (f"/e/open/comments/{cid}/edit", {"body": "changé"}),
                         (f"/e/open/comments/{cid}/delete", {})):
        for bad, why in (("", "no token"), (forged(), "a forged token"),
                         (other_token, "another guest's token"),
                         (world.csrf["member"], "a member's token")):
            before = snapshot(world.server)
            r = world.form("anon", path, fields, browser=guest, csrf=bad)
            assert r.status_code == 403 and CSRF_TEXT in r.text, (path, why, r.status_code)
            assert before == snapshot(world.server), (path, why)
        # the token without its cookie
        before = snapshot(world.server)
        r = requests.post(world.server.url(path), data=dict(fields, csrf=token), headers=EN,
                          allow_redirects=False, timeout=30)
        assert r.status_code == 403, (path, r.status_code)
        assert before == snapshot(world.server), path
    # another guest with its own good token cannot touch this guest's comment
    before = snapshot(world.server)
    r = world.form("anon", f"/e/open/comments/{cid}/delete", browser=other, csrf=other_token)
    assert r.status_code == 403, r.status_code
    assert before == snapshot(world.server)
    r = world.form("anon", f"/e/open/comments/{cid}/edit", {"body": "mine"}, browser=guest,
                   csrf=token)
    assert r.status_code == 303, r.text[:300]


def test_sign_in_needs_its_token(world):
    s = requests.Session()
    s.headers.update(EN)
    page = s.get(world.server.url("/login"), timeout=10).text
    token = login_csrf(page)
    fields = {"username": "mem", "password": world.passwords["mem"]}
    for bad, cookie in (("", True), (forged(), True), (token, False)):
        t = requests.Session()
        t.headers.update(EN)
        if cookie:
            t.cookies.set("gz_csrf", token, path="/login")
        r = t.post(world.server.url("/login"), data=dict(fields, csrf=bad), allow_redirects=False,
                   timeout=30)
        assert r.status_code == 403 and CSRF_TEXT in r.text, (bad, cookie, r.status_code)
        assert "gz_session" not in t.cookies
    r = s.post(world.server.url("/login"), data=dict(fields, csrf=token), allow_redirects=False,
               timeout=30)
    assert r.status_code == 303 and "gz_session" in s.cookies


class Forms(HTMLParser):
    """The POST forms of a page: action, and whether a csrf field is inside."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = {"action": a.get("action"), "csrf": False}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and a.get("name") == "csrf":
            self.current["csrf"] = bool(a.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def test_every_form_on_the_pages_carries_a_token_and_is_checked(world):
    pid, cid = world.post(), world.comment()
    media_on_event(world)  # so that the media credit form is on the page too
    world.pending_post(), world.pending_comment()
    app = world.app()
    consent = ("/oauth/authorize?response_type=code&scope=read&redirect_uri="
               f"urn:ietf:wg:oauth:2.0:oob&client_id={app['client_id']}")
    crawl = {
        "editor": ["/", "/e/closed", "/e/open", "/e/closed/recap", "/e/open/recap",
                   "/e/open/moderate", "/e/closed/edit", f"/posts/{pid}/edit", "/events/new",
                   consent, "/@ed", "/tags/ferme", "/search?q=coop%C3%A9rer"],
        "member": ["/e/closed/recap", f"/e/closed/recap?edit={cid}", f"/e/closed/recap?reply={cid}",
                   "/e/open", "/e/closed", "/settings/profile"],
        "anon": ["/e/open/recap", "/login"],
    }
    found = {}
    for role, paths in crawl.items():
        for path in paths:
            r = world.browsers[role].get(world.server.url(path), timeout=10)
            assert r.status_code == 200, (role, path, r.status_code)
            parser = Forms()
            parser.feed(r.text)
            for f in parser.forms:
                pattern = pattern_of(f["action"] or path)
                assert pattern is not None, (role, path, f)
                assert f["csrf"], f"a form without a token: {role} {path} {f}"
                found.setdefault(pattern, set()).add(path)
    assert set(found) <= set(FORMS) | OWN_TEST
    # and every route checked here is a form that some page shows
    assert (set(FORMS) | OWN_TEST) - set(found) == set(), found


# ---- sessions ----

def cookie_line(r, name):
    lines = [line for line in set_cookies(r) if line.startswith(name + "=")]
    assert len(lines) == 1, set_cookies(r)
    return lines[0]


def flags(line):
    return {part.strip().split("=")[0].lower() for part in line.split(";")[1:]}


def test_a_session_planted_before_sign_in_is_not_kept(world):
    # an id of the attacker's choosing, and the attacker's own real session
    attacker = sign_in_as(world.server, "other", world.passwords["other"])
    for planted in (forged(), attacker.cookies["gz_session"]):
        victim = requests.Session()
        victim.cookies.set("gz_session", planted)
        page = victim.get(world.server.url("/login"), timeout=10).text
        r = victim.post(world.server.url("/login"),
                        data={"csrf": login_csrf(page), "username": "mem",
                              "password": world.passwords["mem"]},
                        allow_redirects=False, timeout=30)
        assert r.status_code == 303
        got = cookie_line(r, "gz_session").split(";")[0].split("=", 1)[1]
        assert got != planted
        # the planted id opens nothing: the victim's account is not behind it
        page = requests.get(world.server.url("/"), cookies={"gz_session": planted},
                            headers=EN, timeout=10).text
        assert 'class="whoami"' not in page and 'href="/login"' in page
        page = requests.get(world.server.url("/"), cookies={"gz_session": got}, headers=EN,
                            timeout=10).text
        assert re.search(r'class="whoami">[^<]*\bmem<', page), page[:2000]


def test_cookie_flags(world):
    s = requests.Session()
    r = s.get(world.server.url("/login"), timeout=10)
    line = cookie_line(r, "gz_csrf")
    assert {"httponly", "samesite", "path"} <= flags(line) and "secure" not in flags(line)
    assert "SameSite=Lax" in line and "Path=/login" in line
    r = s.post(world.server.url("/login"),
               data={"csrf": login_csrf(r.text), "username": "mem",
                     "password": world.passwords["mem"]}, allow_redirects=False, timeout=30)
    line = cookie_line(r, "gz_session")
    assert {"httponly", "samesite", "path", "max-age"} <= flags(line), line
    assert "SameSite=Lax" in line and "Path=/;" in line + ";" and "secure" not in flags(line)
    value = line.split(";")[0].split("=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value), value  # 256 bits, base64url
    assert r.headers["Cache-Control"] == "no-store"
    r = requests.get(world.server.url("/e/open/recap"), timeout=10)
    line = cookie_line(r, "gz_guest")
    assert {"httponly", "samesite", "path", "max-age"} <= flags(line), line


def test_sign_out_ends_the_session_in_the_store(world):
    s, token = world.sign_in("member")
    cookie = s.cookies["gz_session"]
    import sqlite3
    with sqlite3.connect(f"{world.server.data}/gazouillis.db") as db:
        n = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    r = world.form("member", "/logout", browser=s, csrf=token)
    assert r.status_code == 303
    with sqlite3.connect(f"{world.server.data}/gazouillis.db") as db:
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == n - 1
    # the old cookie, sent again by someone who kept it, opens nothing and sends nothing
    before = snapshot(world.server)
    r = requests.post(world.server.url("/e/closed/comments"),
                      data={"csrf": token, "body": "encore"}, cookies={"gz_session": cookie},
                      headers=EN, allow_redirects=False, timeout=10)
    assert r.status_code == 403 and before == snapshot(world.server)
    page = requests.get(world.server.url("/"), cookies={"gz_session": cookie}, timeout=10).text
    assert 'action="/logout"' not in page


def test_a_session_cookie_never_opens_the_json_api(world):
    cookies = {"gz_session": world.browsers["admin"].cookies["gz_session"]}
    before = snapshot(world.server)
    for method, path, kw in (("POST", "/api/v1/events/closed/posts", {"json": {"text": "x"}}),
                             ("PATCH", "/api/v1/events/closed", {"json": {"title": "x"}}),
                             ("POST", "/api/v1/statuses", {"data": {"status": "x"}}),
                             ("POST", "/api/v1/events", {"json": {"slug": "c", "title": "c",
                                                                  "hashtag": "c"}})):
        r = requests.request(method, world.server.url(path), cookies=cookies, timeout=10, **kw)
        assert r.status_code == 401, (path, r.status_code, r.text)
    assert before == snapshot(world.server)


@pytest.fixture(scope="module")
def tls_server(gazouillis_asan, tmp_path_factory):
    base = tmp_path_factory.mktemp("tls-cookies")
    cert, key = base / "cert.pem", base / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    # a public URL that says http (a mistake): the cookies are Secure all the same
    srv = Server(gazouillis_asan, base / "data", base / "server.log", *LOOSE, "--tls-cert",
                 str(cert), "--tls-key", str(key), "--public-url", "http://127.0.0.1")
    srv.cert = str(cert)
    srv.base = srv.base.replace("http://", "https://")
    yield srv
    stop(srv)


def test_cookies_are_secure_over_tls(tls_server):
    s = requests.Session()
    r = s.get(tls_server.url("/login"), verify=tls_server.cert, timeout=10)
    assert "secure" in flags(cookie_line(r, "gz_csrf"))
    r = s.post(tls_server.url("/login"),
               data={"csrf": login_csrf(r.text), "username": "admin",
                     "password": tls_server.admin_password}, allow_redirects=False, timeout=30,
               verify=tls_server.cert)
    assert r.status_code == 303, r.text[:300]
    line = cookie_line(r, "gz_session")
    assert {"secure", "httponly", "samesite"} <= flags(line), line
    token = tls_server.token("admin")
    r = requests.post(tls_server.url("/api/v1/events"), verify=tls_server.cert, timeout=10,
                      headers={"Authorization": f"Bearer {token}"},
                      json={"slug": "tls", "title": "TLS", "hashtag": "tls", "state": "live",
                            "comment_policy": "guests"})
    assert r.status_code == 201, r.text
    r = requests.get(tls_server.url("/e/tls/recap"), verify=tls_server.cert, timeout=10)
    assert "secure" in flags(cookie_line(r, "gz_guest"))


def test_cookies_are_secure_behind_a_tls_public_url(gazouillis_asan, tmp_path_factory):
    base = tmp_path_factory.mktemp("public-https")
    srv = Server(gazouillis_asan, base / "data", base / "server.log", *LOOSE, "--public-url",
                 "https://gazouillis.example")
    try:
        r = requests.get(srv.url("/login"), timeout=10)
        assert "secure" in flags(cookie_line(r, "gz_csrf"))
    finally:
        stop(srv)


# ---- where a form sends the browser next ----

NEXTS = ["//evil.example/", "/\t/evil.example", "/\r\n/evil.example", "/\\evil.example",
         "\\/evil.example", "https://evil.example/", "javascript:alert(1)", " //evil.example",
         "/\x0b/evil.example", "/e/closed\\..\\..\\evil", "///evil.example"]


def lands_here(location):
    """Would a browser stay on this site following location? (it drops tabs and line breaks,
    reads a backslash as a slash)"""
    seen = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    return seen.startswith("/") and not seen.startswith("//")


def test_sign_in_and_likes_send_the_browser_only_to_this_site(world):
    pid = world.post()
    tried = 0
    for nxt in NEXTS:
        s = requests.Session()
        page = s.get(world.server.url("/login"), timeout=10).text
        r = s.post(world.server.url("/login"), allow_redirects=False, timeout=30,
                   data={"csrf": login_csrf(page), "username": "mem",
                         "password": world.passwords["mem"], "next": nxt})
        if r.status_code == 400:  # a NUL: the form itself is refused
            continue
        assert r.status_code == 303, (nxt, r.status_code)
        assert lands_here(r.headers["Location"]), (nxt, r.headers["Location"])
        r = world.form("member", f"/posts/{pid}/like", {"like": "1", "next": nxt})
        if r.status_code != 400:
            assert r.status_code == 303 and lands_here(r.headers["Location"]), \
                (nxt, r.status_code, r.headers.get("Location"))
        tried += 2
    # a local next is kept
    s = requests.Session()
    page = s.get(world.server.url("/login?next=/e/closed"), timeout=10).text
    r = s.post(world.server.url("/login"), allow_redirects=False, timeout=30,
               data={"csrf": login_csrf(page), "username": "mem",
                     "password": world.passwords["mem"], "next": "/e/closed"})
    assert r.headers["Location"] == "/e/closed"
    print(f"\nredirects: {tried} hostile next addresses, all kept on this site")
