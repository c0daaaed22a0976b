"""tests/e2e/security_world.py - what the security tests (test_94_security_*.py)
share: a server with one account of each role and the events they edit, a
way to act as each role (a bearer token for the APIs, a signed-in browser
with its CSRF token for the forms), a snapshot of everything the store and
the media folder hold (to prove that a refused request changed nothing),
and the route tables read from the C sources, so that a state-changing
route added later fails the tests until it is covered.

The roles: "anon" (nobody: no token; on the forms, a guest whose gz_guest
cookie and token match, the strongest anonymous caller), "member",
"other" (an editor of another event), "editor" (the editor of the events
under test) and "admin".
"""
import os
import re
import sqlite3
import struct
import zlib

import requests

from conftest import Server
from test_40_web_auth import csrf_of, member_password, sign_in

ROLES = ("anon", "member", "other", "editor", "admin")
SIGNED = ("member", "other", "editor", "admin")
USERS = {"member": "mem", "other": "other", "editor": "ed", "admin": "admin"}
SCOPES = "read write follow push"
# Raised so that hundreds of requests from one address meet no limiter.
LOOSE = ("--comments-per-address", "100000", "--comments-per-account", "100000",
         "--api-rate-limit", "100000", "--max-streams-per-address", "5000")

SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")
ROUTE_FILES = ("api/routes.c", "masto/routes.c", "web/routes.c")
ROUTE = re.compile(r'\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)"')


def route_table():
    """Every (method, path, file) of the three route tables, as the C source lists them."""
    routes = []
    for name in ROUTE_FILES:
        with open(os.path.join(SRC, name), encoding="utf-8") as f:
            routes += [(m, p, name) for m, p in ROUTE.findall(f.read())]
    assert len(routes) > 100, routes  # the parser still reads the tables
    return routes


def state_changing_routes():
    return sorted({(m, p) for m, p, _ in route_table() if m != "GET"})


def sign_in_as(server, username, password):
    """A requests.Session signed in as username."""
    s, r = sign_in(server, username, password)
    assert r.status_code == 303, r.text
    return s


def png(width=3, height=2):
    """A small true-colour PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + bytes([200, 30, 60]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---- what the store holds ----

SKIPPED_TABLES = ("posts_fts", "sqlite_")  # derived search index, SQLite's own


def snapshot(server):
    """Every row of every table (but the search index), and the media files."""
    db = sqlite3.connect(f"file:{server.data}/gazouillis.db?mode=ro", uri=True, timeout=30)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not t.startswith(SKIPPED_TABLES)]
        out = {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        db.close()
    media = os.path.join(server.data, "media")
    out["media files"] = sorted(os.listdir(media)) if os.path.isdir(media) else []
    return out


def diff(before, after):
    """The tables whose rows differ, for a readable assertion message."""
    return {t: (sorted(set(before.get(t, [])) - set(after.get(t, [])))[:3],
                sorted(set(after.get(t, [])) - set(before.get(t, [])))[:3])
            for t in set(before) | set(after) if before.get(t) != after.get(t)}


# ---- acting as each role ----

class World:
    """The accounts, their tokens and browsers, and the events under test."""

    def __init__(self, server):
        self.server = server
        self.passwords = {"admin": server.admin_password}
        for role, name in USERS.items():
            if name != "admin":
                self.passwords[name] = member_password(
                    server, name, "member" if role == "member" else "editor")
        self.tokens = {role: self.new_token(name) for role, name in USERS.items()}
        self.browsers, self.csrf = {}, {}
        for role in SIGNED:
            self.browsers[role], self.csrf[role] = self.sign_in(role)
        # events: "closed" takes posts from its editors only and comments from
        # members; "open" takes moderated audience posts and guests' comments
        self.create_event("editor", "closed", "ferme", comment_policy="members")
        self.create_event("editor", "open", "ouvert", audience_posts=True, moderation=True,
                          comment_policy="guests")
        self.create_event("other", "elsewhere", "ailleurs", comment_policy="guests")
        self.browsers["anon"], self.csrf["anon"] = self.guest()

    def new_token(self, username):
        r = self.server.cli("token", "create", username, "--scopes", SCOPES)
        assert r.returncode == 0, r
        return r.stdout.decode().strip().split()[-1]

    def sign_in(self, role):
        """A new signed-in browser of role, and its CSRF token."""
        s, r = sign_in(self.server, USERS[role], self.passwords[USERS[role]])
        assert r.status_code == 303, r.text
        return s, csrf_of(s.get(self.server.url("/"), timeout=10).text)

    def guest(self):
        """A browser with a guest cookie (from a recap page), and its token."""
        s = requests.Session()
        r = s.get(self.server.url("/e/open/recap"), timeout=10)
        assert r.status_code == 200 and "gz_guest" in s.cookies, r.text[:500]
        return s, s.cookies["gz_guest"]

    def headers(self, role):
        return {} if role == "anon" else {"Authorization": f"Bearer {self.tokens[role]}"}

    def api(self, role, method, path, **kw):
        """A request to the JSON APIs as role."""
        return requests.request(method, self.server.url(path), headers=self.headers(role),
                                timeout=30, allow_redirects=False, **kw)

    def form(self, role, path, fields=None, files=None, browser=None, csrf=None):
        """A form POST as role's browser, with its CSRF token unless csrf is given."""
        s = browser or self.browsers[role]
        data = dict(fields or {})
        data.setdefault("csrf", self.csrf[role] if csrf is None else csrf)
        return s.post(self.server.url(path), data=data, files=files, timeout=30,
                      allow_redirects=False)

    # ---- things to act on ----

    def create_event(self, role, slug, hashtag, **fields):
        doc = {"slug": slug, "title": f"Event {slug}", "hashtag": hashtag, "state": "live",
               "people": [{"name": "Jacques Beaudet", "role": "panelist"}]}
        doc.update(fields)
        r = self.api(role, "POST", "/api/v1/events", json=doc)
        assert r.status_code == 201, r.text
        return slug

    def post(self, role="editor", slug="closed", text="Jacques Beaudet: il faut coopérer"):
        r = self.api(role, "POST", f"/api/v1/events/{slug}/posts", json={"text": text})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def pending_post(self):
        """A member's post to the moderated event: it waits for an editor."""
        r = self.api("member", "POST", "/api/v1/events/open/posts",
                     json={"text": "Une question de la salle"})
        assert r.status_code == 201 and r.json()["state"] == "pending", r.text
        return r.json()["id"]

    def comment(self, role="member", slug="closed", body="Un commentaire"):
        r = self.api(role, "POST", f"/api/v1/events/{slug}/comments", json={"body": body})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def pending_comment(self, slug="open"):
        """A new guest's comment on the open event: it waits for an editor."""
        self.n_guests = getattr(self, "n_guests", 0) + 1
        r = self.api("anon", "POST", f"/api/v1/events/{slug}/comments",
                     json={"body": "Bravo", "name": "Invité",
                           "email": f"guest{self.n_guests}@example.org"})
        assert r.status_code == 201 and r.json()["state"] == "pending", r.text
        return r.json()["id"]

    def status(self, role="editor", text="Un statut de profil"):
        r = self.api(role, "POST", "/api/v1/statuses", data={"status": text})
        assert r.status_code == 200, r.text
        return r.json()["id"]

    def media(self, role="editor", description="une photo"):
        r = self.api(role, "POST", "/api/v2/media", files={"file": ("p.png", png(), "image/png")},
                     data={"description": description})
        assert r.status_code in (200, 202), r.text
        return r.json()["id"]

    def app(self, redirect="urn:ietf:wg:oauth:2.0:oob"):
        r = requests.post(self.server.url("/api/v1/apps"),
                          data={"client_name": "app", "redirect_uris": redirect,
                                "scopes": "read write"}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()


def start(gazouillis_asan, tmp_path_factory, name, *options):
    """A server of the sanitized build with the limits loosened."""
    base = tmp_path_factory.mktemp(name)
    return Server(gazouillis_asan, base / "data", base / "server.log", *LOOSE, *options)


def stop(srv):
    status = srv.stop()
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert status == 0, f"exit status {status}\n{log[-4000:]}"
