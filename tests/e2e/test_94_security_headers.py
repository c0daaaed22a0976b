"""tests/e2e/test_94_security_headers.py - the security headers of every
page: each GET route of src/web/routes.c is fetched (as a reader, and as
the account that sees its forms), with the error pages (404, 403, 400,
a refused form), and every HTML answer must carry a Content-Security-Policy
whose scripts come from this site alone (no 'unsafe-inline', no
'unsafe-eval', no wildcard or data:), with frame-ancestors and base-uri
closed, X-Content-Type-Options: nosniff, a Referrer-Policy that keeps
paths to this site, and no inline script or event-handler attribute. The
other answers (scripts, styles, feeds, images, JSON) carry nosniff and
their exact type. A GET route added without a line here fails the test.
"""
import re
from html.parser import HTMLParser

import pytest
import requests

from security_world import World, route_table, start, stop

SAFE_REFERRER = {"same-origin", "strict-origin", "strict-origin-when-cross-origin", "no-referrer"}


@pytest.fixture(scope="module")
def world(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "headers")
    w = World(srv)
    w.post_id, w.comment_id = w.post(), w.comment()
    w.pending_post()
    w.client_id = w.app()["client_id"]
    yield w
    stop(srv)


CONSENT = ("/oauth/authorize?response_type=code&scope=read&redirect_uri="
           "urn:ietf:wg:oauth:2.0:oob&client_id={client_id}")
# GET route -> (role, path) of its HTML page
PAGES = {
    "/": ("anon", "/"), "/login": ("anon", "/login"), "/events/new": ("editor", "/events/new"),
    "/search": ("anon", "/search?q=coop%C3%A9rer"), "/tags/:tag": ("anon", "/tags/ferme"),
    "/users/:name": ("anon", "/users/ed"), "/@:name": ("member", "/@ed"),
    "/e/:slug": ("editor", "/e/closed"), "/e/:slug/recap": ("member", "/e/closed/recap"),
    "/e/:slug/recap.html": ("anon", "/e/closed/recap.html"),
    "/e/:slug/wall": ("anon", "/e/closed/wall"), "/e/:slug/moderate": ("editor", "/e/open/moderate"),
    "/e/:slug/edit": ("editor", "/e/closed/edit"),
    "/posts/:id/edit": ("editor", "/posts/{post_id}/edit"),
    "/oauth/authorize": ("member", CONSENT), "/oauth/authorize/": ("member", CONSENT),
    "/settings/profile": ("member", "/settings/profile"),
}
# GET route -> (path, content type) of what is not a page
OTHERS = {
    "/static/gazouillis.css": ("/static/gazouillis.css", "text/css"),
    "/static/composer.js": ("/static/composer.js", "text/javascript"),
    "/static/live.js": ("/static/live.js", "text/javascript"),
    "/static/comments.js": ("/static/comments.js", "text/javascript"),
    "/static/tools.js": ("/static/tools.js", "text/javascript"),
    "/static/header.png": ("/static/header.png", "image/png"),
    "/users/:name/avatar.png": ("/users/ed/avatar.png", "image/png"),
    "/e/:slug/recap.md": ("/e/closed/recap.md", "text/markdown"),
    "/e/:slug/feed.atom": ("/e/closed/feed.atom", "application/atom+xml"),
    "/e/:slug/comments.atom": ("/e/closed/comments.atom", "application/atom+xml"),
    "/e/:slug/moderate/stream": (None, "text/event-stream"),  # a stream: its own test files
}
ERRORS = [  # role, method, path, status
    ("anon", "GET", "/e/nope", 404), ("anon", "GET", "/e/nope/recap", 404),
    ("member", "GET", "/e/closed/edit", 403), ("member", "GET", "/e/open/moderate", 403),
    ("member", "GET", "/oauth/authorize?client_id=nope", 400),
    ("member", "POST", "/e/closed/posts", 403), ("anon", "POST", "/logout", 403),
]


def csp_of(r):
    value = r.headers.get("Content-Security-Policy")
    assert value, r.url
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


class Inline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not (a.get("src") or "").startswith("/static/"):
                self.found.append(f"script {a}")
        self.found += [f"<{tag} {k}>" for k in a if k.startswith("on")]

    def handle_endtag(self, tag):
        self.in_script = self.in_script and tag != "script"

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append("inline script")


def check_page(r, where, standalone=False):
    assert r.headers.get("X-Content-Type-Options") == "nosniff", where
    assert r.headers["Content-Type"].startswith("text/html"), where
    csp = csp_of(r)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None, (where, csp)
    for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        assert bad not in scripts, (where, bad, csp)
    assert csp.get("frame-ancestors") in (["'none'"], ["'self'"]), (where, csp)
    assert csp.get("base-uri") in (["'none'"], ["'self'"]), (where, csp)
    if not standalone:
        assert csp.get("object-src") == ["'none'"], where
    assert r.headers.get("Referrer-Policy") in SAFE_REFERRER, (where, r.headers)
    assert r.headers.get("X-Frame-Options") == "DENY", where
    p = Inline()
    p.feed(r.text)
    assert p.found == [], (where, p.found[:5])


def test_every_get_route_is_checked():
    web_gets = {p for m, p, f in route_table() if f == "web/routes.c" and m == "GET"}
    assert web_gets == set(PAGES) | set(OTHERS)


def test_every_page_has_the_security_headers(world):
    n = 0
    for route, (role, path) in PAGES.items():
        path = path.format(post_id=world.post_id, client_id=world.client_id)
        r = world.browsers[role].get(world.server.url(path), timeout=10)
        assert r.status_code == 200, (route, r.status_code)
        check_page(r, route, standalone=route.endswith(".html"))
        n += 1
        # the same page to a reader: what a signed-in account sees is not all there is
        if role != "anon":
            r = requests.get(world.server.url(path), timeout=10, allow_redirects=False)
            if r.status_code == 200:
                check_page(r, f"{route} (reader)", standalone=route.endswith(".html"))
                n += 1
    for role, method, path, status in ERRORS:
        r = world.browsers[role].request(method, world.server.url(path), timeout=10,
                                         data={"csrf": "x"} if method == "POST" else None,
                                         allow_redirects=False)
        assert r.status_code == status, (path, r.status_code)
        check_page(r, f"{method} {path} ({status})")
        n += 1
    print(f"\nsecurity headers: {n} HTML answers checked")


def test_the_standalone_recap_loads_nothing(world):
    r = requests.get(world.server.url("/e/closed/recap.html"), timeout=10)
    csp = csp_of(r)
    assert csp["default-src"] == ["'none'"] and "script-src" not in csp
    assert csp.get("form-action") == ["'none'"]
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'',
                     r.text)


def test_other_answers_say_their_type_and_nosniff(world):
    for route, (path, ctype) in OTHERS.items():
        if path is None:
            continue
        r = world.browsers["editor"].get(world.server.url(path), timeout=10)
        assert r.status_code == 200, (route, r.status_code)
        assert r.headers["Content-Type"].split(";")[0] == ctype, (route, r.headers)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", route
    for path in ("/api/v1/events", "/api/v1/events/closed", "/api/v1/instance",
                 "/api/v1/nope", "/api/v1/timelines/public"):
        r = requests.get(world.server.url(path), timeout=10)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
        assert r.headers["Content-Type"].startswith("application/json"), path
    # an uploaded picture is served as what its bytes are, and may run nothing
    mid = world.media("editor")
    url = world.api("editor", "GET", f"/api/v1/media/{mid}").json()["url"]
    r = requests.get(url, timeout=10)
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert csp_of(r).get("default-src") == ["'none'"]
