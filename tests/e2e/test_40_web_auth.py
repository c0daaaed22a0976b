"""tests/e2e/test_40_web_auth.py - signing in to the pages and the forms
that write, as a browser without JavaScript does it (requests.Session):
the session cookie and its flags, a wrong password (401, nothing set), a
new session at every sign-in (no fixation), logout, the CSRF token that
every form POST must carry (missing or forged: 403 and nothing stored),
failed sign-ins limited per account and per address (429 with
Retry-After, on a server of their own so the other tests keep signing in),
the composer for editors only, and cookies that never open the JSON API.
"""
import html
import re
import sqlite3

import pytest
import requests

from conftest import Server

CSRF = re.compile(r'name="csrf" value="([A-Za-z0-9_-]{43})"')
LOGIN_CSRF = re.compile(r'action="/login"><input type="hidden" name="csrf" value="([^"]*)"')
ADDED = re.compile(r"with password: (\S+)")


def csrf_of(page):
    m = CSRF.search(page)
    assert m, page[:2000]
    return m.group(1)


def login_csrf(page):
    """The sign-in form's token (a signed-in page has the logout form's first)."""
    m = LOGIN_CSRF.search(page)
    assert m, page[:2000]
    return m.group(1)


def login_page(server, s, path="/login"):
    r = s.get(server.url(path), timeout=10)
    assert r.status_code == 200, r.text
    return r


def sign_in(server, username, password, s=None):
    """A requests.Session signed in as username; returns it and the POST's response."""
    s = s or requests.Session()
    token = login_csrf(login_page(server, s).text)
    r = s.post(server.url("/login"), data={"csrf": token, "username": username,
                                           "password": password},
               allow_redirects=False, timeout=30)
    return s, r


def admin(server):
    s, r = sign_in(server, "admin", server.admin_password)
    assert r.status_code == 303, r.text
    return s


def member_password(server, name, role="member"):
    r = server.cli("user", "add", name, "--role", role)
    assert r.returncode == 0, r
    return ADDED.search(r.stdout.decode()).group(1)


def db_count(server, sql, *params):
    with sqlite3.connect(f"{server.data}/gazouillis.db") as db:
        return db.execute(sql, params).fetchone()[0]


@pytest.fixture(scope="module")
def event(server):
    """A live event created through the API, with one person."""
    token = server.token("admin")
    doc = {"slug": "web-auth", "title": "Signer", "hashtag": "innover", "state": "live",
           "people": [{"name": "Jacques Beaudet", "affiliation": "CDEC", "role": "panelist"}]}
    r = requests.post(server.url("/api/v1/events"), json=doc,
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 201, r.text
    return "web-auth"


def set_cookies(r):
    """The Set-Cookie header lines of a response."""
    return r.raw.headers.getlist("Set-Cookie")


# ---- signing in and out ----

def test_login_page_sets_a_form_token(server):
    s = requests.Session()
    r = login_page(server, s)
    assert 'action="/login"' in r.text and 'type="password"' in r.text
    [line] = set_cookies(r)
    assert line.startswith("gz_csrf=") and "HttpOnly" in line and "SameSite=Lax" in line
    assert login_csrf(r.text) == s.cookies["gz_csrf"]
    # the same browser keeps its token
    assert login_csrf(login_page(server, s).text) == s.cookies["gz_csrf"]


def test_login_and_logout(server):
    s = admin(server)
    cookie = s.cookies["gz_session"]
    page = s.get(server.url("/"), timeout=10)
    assert "Connecté : admin" in html.unescape(page.text)
    assert 'action="/logout"' in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert db_count(server, "SELECT count(*) FROM sessions") >= 1

    r = s.post(server.url("/logout"), data={"csrf": csrf_of(page.text)}, allow_redirects=False,
               timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/"
    [line] = set_cookies(r)
    assert line.startswith("gz_session=;") and "Max-Age=0" in line
    assert "gz_session" not in s.cookies
    assert "Connecté" not in s.get(server.url("/"), timeout=10).text
    # the old cookie opens nothing any more
    page = requests.get(server.url("/"), cookies={"gz_session": cookie}, timeout=10)
    assert "Connecté" not in page.text and 'href="/login"' in page.text


def test_session_cookie_flags(server):
    _, r = sign_in(server, "admin", server.admin_password)
    assert r.status_code == 303
    [line] = set_cookies(r)
    name, value = line.split(";")[0].split("=", 1)
    attrs = [a.strip() for a in line.split(";")[1:]]
    assert name == "gz_session" and re.fullmatch(r"[A-Za-z0-9_-]{43}", value)
    assert "HttpOnly" in attrs and "SameSite=Lax" in attrs and "Path=/" in attrs
    assert "Max-Age=1209600" in attrs  # 14 days
    assert "Secure" not in attrs  # the public URL is http here
    # only the SHA-256 of the secret is stored
    assert db_count(server, "SELECT count(*) FROM sessions WHERE hash = ?", value.encode()) == 0


def test_wrong_password_is_401_and_sets_nothing(server):
    before = db_count(server, "SELECT count(*) FROM sessions")
    s, r = sign_in(server, "admin", "not-the-password")
    assert r.status_code == 401
    assert set_cookies(r) == []
    assert "gz_session" not in s.cookies
    assert "Nom d’utilisateur ou mot de passe incorrect." in r.text
    assert 'action="/login"' in r.text and 'value="admin"' in r.text  # the form again
    assert db_count(server, "SELECT count(*) FROM sessions") == before
    s, r = sign_in(server, "nobody", "whatever")
    assert r.status_code == 401 and set_cookies(r) == []


def test_a_new_session_at_each_sign_in(server):
    planted = "A" * 43  # a session id an attacker set in the browser beforehand
    s = requests.Session()
    s.cookies.set("gz_session", planted, domain="127.0.0.1", path="/")
    s, r = sign_in(server, "admin", server.admin_password, s)
    assert r.status_code == 303
    first = s.cookies["gz_session"]
    assert first != planted
    s, r = sign_in(server, "admin", server.admin_password, s)
    assert r.status_code == 303
    second = s.cookies["gz_session"]
    assert second != first
    # the session the browser came with has ended
    page = requests.get(server.url("/"), cookies={"gz_session": first}, timeout=10)
    assert "Connecté" not in page.text
    page = requests.get(server.url("/"), cookies={"gz_session": second}, timeout=10)
    assert "Connecté : admin" in html.unescape(page.text)


def test_next_goes_back_to_a_local_page_only(server):
    s = requests.Session()
    token = login_csrf(login_page(server, s, "/login?next=/events/new").text)
    r = s.post(server.url("/login"), data={"csrf": token, "username": "admin",
                                           "password": server.admin_password,
                                           "next": "/events/new"},
               allow_redirects=False, timeout=30)
    assert r.headers["Location"] == "/events/new"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        r = s.post(server.url("/login"), data={"csrf": token, "username": "admin",
                                               "password": server.admin_password, "next": evil},
                   allow_redirects=False, timeout=30)
        assert r.headers["Location"] == "/"


# ---- CSRF ----

def test_every_form_post_needs_its_csrf_token(server, event):
    s = admin(server)
    good = csrf_of(s.get(server.url(f"/e/{event}"), timeout=10).text)
    forged = "B" * 43
    posts = db_count(server, "SELECT count(*) FROM posts")
    events = db_count(server, "SELECT count(*) FROM events")
    sessions = db_count(server, "SELECT count(*) FROM sessions")
    forms = [
        (f"/e/{event}/posts", {"text": "forgé", "speaker": ""}),
        ("/events/new", {"title": "Forgé", "slug": "forge", "hashtag": "forge"}),
        ("/logout", {}),
    ]
    for path, fields in forms:
        for token in (None, forged, "", good[:-1]):
            data = dict(fields) if token is None else dict(fields, csrf=token)
            r = s.post(server.url(path), data=data, allow_redirects=False, timeout=10)
            assert r.status_code == 403, (path, token, r.text)
            assert "CSRF" in r.text, r.text
            assert set_cookies(r) == []
    assert db_count(server, "SELECT count(*) FROM posts") == posts
    assert db_count(server, "SELECT count(*) FROM events") == events
    assert db_count(server, "SELECT count(*) FROM sessions") == sessions
    # and the session still works: the logout above never happened
    assert "Connecté : admin" in html.unescape(s.get(server.url("/"), timeout=10).text)


def test_the_sign_in_form_needs_its_token_too(server):
    s = requests.Session()
    login_page(server, s)
    for token in (None, "C" * 43):
        data = {"username": "admin", "password": server.admin_password}
        if token:
            data["csrf"] = token
        r = s.post(server.url("/login"), data=data, allow_redirects=False, timeout=30)
        assert r.status_code == 403 and set_cookies(r) == []
    # a token without its cookie (another site's form) is refused as well
    token = s.cookies["gz_csrf"]
    r = requests.post(server.url("/login"), data={"csrf": token, "username": "admin",
                                                  "password": server.admin_password},
                      allow_redirects=False, timeout=30)
    assert r.status_code == 403 and set_cookies(r) == []


def test_forms_without_a_session_are_refused(server, event):
    posts = db_count(server, "SELECT count(*) FROM posts")
    for path in (f"/e/{event}/posts", "/events/new", "/logout"):
        r = requests.post(server.url(path), data={"csrf": "D" * 43, "text": "x"},
                          allow_redirects=False, timeout=10)
        assert r.status_code == 403, (path, r.text)
    assert db_count(server, "SELECT count(*) FROM posts") == posts


def test_a_session_cookie_does_not_open_the_api(server, event):
    s = admin(server)
    r = s.post(server.url(f"/api/v1/events/{event}/posts"), json={"text": "par cookie"},
               timeout=10)
    assert r.status_code == 401
    r = s.post(server.url("/api/v1/events"), json={"slug": "cookie", "title": "t",
                                                   "hashtag": "t"}, timeout=10)
    assert r.status_code == 401


# ---- the composer ----

def test_the_composer_posts_with_the_hashtag_and_the_speaker(server, event):
    s = admin(server)
    page = s.get(server.url(f"/e/{event}"), timeout=10).text
    assert 'id="composer"' in page and 'src="/static/composer.js"' in page
    assert "Commentaire de l&#39;assemblée" in page or "Commentaire de l'assemblée" in page
    assert ">Jacques Beaudet</option>" in page
    r = s.post(server.url(f"/e/{event}/posts"),
               data={"csrf": csrf_of(page), "text": "Il faut\r\ntravailler ensemble.",
                     "speaker": "person:0"}, allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/e/{event}"
    [post] = requests.get(server.url(f"/api/v1/events/{event}/posts?limit=1"), timeout=10).json()
    assert post["text"] == "Il faut\ntravailler ensemble. #innover"
    assert post["speaker"] == {"name": "Jacques Beaudet"}
    r = s.post(server.url(f"/e/{event}/posts"),
               data={"csrf": csrf_of(page), "text": "Et la salle ? #Innover",
                     "speaker": "audience"}, allow_redirects=False, timeout=10)
    assert r.status_code == 303
    [post] = requests.get(server.url(f"/api/v1/events/{event}/posts?limit=1"), timeout=10).json()
    assert post["text"] == "Et la salle ? #Innover"
    assert post["speaker"]["audience"] is True
    assert post["speaker"]["label"] == "Commentaire de l'assemblée"


def test_a_text_over_the_limit_comes_back_with_its_length(server, event):
    s = admin(server)
    page = s.get(server.url(f"/e/{event}"), timeout=10).text
    posts = db_count(server, "SELECT count(*) FROM posts")
    text = "é" * 141
    r = s.post(server.url(f"/e/{event}/posts"),
               data={"csrf": csrf_of(page), "text": text, "speaker": ""}, timeout=10)
    assert r.status_code == 422
    assert "Le message fait 141 caractères ; la limite est de 140." in r.text
    assert f">{text}</textarea>" in r.text  # kept
    assert 'class="counter over"' in r.text and '<span class="remaining">-1</span>' in r.text
    assert 'name="force"' in r.text  # an editor may keep it anyway
    assert db_count(server, "SELECT count(*) FROM posts") == posts
    r = s.post(server.url(f"/e/{event}/posts"),
               data={"csrf": csrf_of(page), "text": text, "force": "1"}, allow_redirects=False,
               timeout=10)
    assert r.status_code == 303
    assert db_count(server, "SELECT count(*) FROM posts") == posts + 1


def test_an_unknown_speaker_is_refused(server, event):
    s = admin(server)
    page = s.get(server.url(f"/e/{event}"), timeout=10).text
    r = s.post(server.url(f"/e/{event}/posts"),
               data={"csrf": csrf_of(page), "text": "qui ?", "speaker": "person:9"}, timeout=10)
    assert r.status_code == 422 and ">qui ?</textarea>" in r.text


def test_a_member_sees_no_composer_and_cannot_post(server, event):
    s, r = sign_in(server, "zoe", member_password(server, "zoe"))
    assert r.status_code == 303
    page = s.get(server.url(f"/e/{event}"), timeout=10).text
    assert "Connecté : zoe" in html.unescape(page)
    assert 'id="composer"' not in page and "composer.js" not in page
    token = csrf_of(page)  # the logout form's: a valid token of zoe's session
    posts = db_count(server, "SELECT count(*) FROM posts")
    r = s.post(server.url(f"/e/{event}/posts"), data={"csrf": token, "text": "moi aussi"},
               allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert "Seuls les éditeurs" in html.unescape(r.text)
    assert db_count(server, "SELECT count(*) FROM posts") == posts
    # nor create events
    assert s.get(server.url("/events/new"), timeout=10).status_code == 403
    r = s.post(server.url("/events/new"), data={"csrf": token, "title": "t", "slug": "zoe",
                                                "hashtag": "zoe"}, allow_redirects=False,
               timeout=10)
    assert r.status_code == 403
    assert "/events/new" not in s.get(server.url("/"), timeout=10).text


def test_an_editor_of_another_event_cannot_post_here(server, event):
    s, r = sign_in(server, "ed", member_password(server, "ed", "editor"))
    assert r.status_code == 303
    page = s.get(server.url(f"/e/{event}"), timeout=10).text
    assert 'id="composer"' not in page
    r = s.post(server.url(f"/e/{event}/posts"), data={"csrf": csrf_of(page), "text": "non"},
               allow_redirects=False, timeout=10)
    assert r.status_code == 403


# ---- the event form ----

def test_the_event_form_creates_an_event(server):
    s = admin(server)
    home = s.get(server.url("/"), timeout=10).text
    assert 'href="/events/new"' in home
    page = s.get(server.url("/events/new"), timeout=10)
    assert page.status_code == 200
    fields = {"csrf": csrf_of(page.text), "title": "Coopérer dans les territoires",
              "slug": "form-event", "hashtag": "#innover", "lang": "fr", "char_limit": "140",
              "starts_at": "2014-11-20T18:00", "utc_offset": "-05:00", "venue": "La Nef",
              "state": "live"}
    r = s.post(server.url("/events/new"), data=fields, allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/e/form-event"
    doc = requests.get(server.url("/api/v1/events/form-event"), timeout=10).json()
    assert doc["title"] == "Coopérer dans les territoires" and doc["hashtag"] == "innover"
    assert doc["starts_at"] == "2014-11-20T18:00:00-05:00"
    assert doc["venue"]["name"] == "La Nef" and doc["state"] == "live"
    assert doc["char_limit"] == 140
    # the creator is its editor: the composer is there
    assert 'id="composer"' in s.get(server.url("/e/form-event"), timeout=10).text
    # the same slug again: the API's refusal, in the page
    r = s.post(server.url("/events/new"), data=fields, timeout=10)
    assert r.status_code == 409 and "form-event" in r.text
    r = s.post(server.url("/events/new"), data=dict(fields, slug="other", char_limit="beaucoup"),
               timeout=10)
    assert r.status_code == 422 and "char_limit" in r.text
    assert 'value="beaucoup"' in r.text  # the fields are kept


def test_the_event_form_asks_to_sign_in_first(server):
    r = requests.get(server.url("/events/new"), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/events/new"


# ---- failed sign-ins, limited ----

@pytest.fixture
def fresh_server(gazouillis_asan, tmp_path):
    """A server of its own: the limiter's counts would lock the other tests out."""
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
    yield srv
    status = srv.stop()
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert status == 0


def test_failed_sign_ins_are_limited_per_account(fresh_server):
    srv = fresh_server
    for _ in range(5):
        _, r = sign_in(srv, "admin", "wrong")
        assert r.status_code == 401
    # the sixth try is not even checked, right password or not
    _, r = sign_in(srv, "admin", srv.admin_password)
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 300
    assert set_cookies(r) == []
    assert "Trop de tentatives" in r.text
    _, r = sign_in(srv, "ADMIN", "wrong")  # the name's case does not reset the count
    assert r.status_code == 429
    # another account from the same address still signs in
    s, r = sign_in(srv, "eve", member_password(srv, "eve"))
    assert r.status_code == 303


def test_failed_sign_ins_are_limited_per_address(fresh_server):
    srv = fresh_server
    password = member_password(srv, "eve")
    for i in range(20):
        _, r = sign_in(srv, f"guess{i}", "wrong")
        assert r.status_code == 401, i
    _, r = sign_in(srv, "eve", password)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
