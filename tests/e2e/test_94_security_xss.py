"""tests/e2e/test_94_security_xss.py - hostile text in every field a person
can type, shown on every page and export, never as markup.

For each payload, one editor account (its display name is the payload)
creates one event whose every text field is the payload (title, series,
venue, context, disclaimer, conclusion, signature, people's names,
affiliations and aliases, organizations), posts it (a post, a post from
the floor waiting for approval, a status with a picture whose description
and credit are the payload, a status of the profile), comments it (as a
member, and as a guest named by it, approved and pending) and registers
an OAuth app named by it. Then every page and export that shows any of it
is fetched, as a reader and as the editor, and checked:

  HTML   parsed; no element from a payload (script without a /static/ src,
         inline script, iframe, object, embed, base, meta refresh), no
         event-handler attribute, no javascript:/vbscript:/data:text URL,
         no attribute holding a payload's alert( or evil.example;
  Atom   well-formed XML, and each html-typed element's text as above;
  JSON   application/json, and the payload comes back exactly as typed;
  Markdown  text/markdown; no raw tag of a payload that a renderer would run.

The pages must show the payload (unescaped by the parser, it is there):
a page that shows nothing proves nothing. The counts (payloads x pages)
are printed for docs/RELIABILITY.md.
"""
import html
import re
import sqlite3
import urllib.parse
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import requests

from security_world import png, start, stop, sign_in_as
from test_40_web_auth import ADDED as ADDED_PASSWORD

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    '<a href="javascript:alert(1)">lien</a>',
    "[lien](javascript:alert(1)) <javascript:alert(1)> ![i](javascript:alert(1))",
    "[a](jav&#97;script:alert(1)) [b](<javascript:alert(1)>)\n\n[c][r]\n\n[r]: vbscript:alert(1)",
    "＜script＞alert(1)＜/script＞",  # fullwidth: NFC keeps them, NFKC would not
    "\u202e<script>alert(1)</script>\u200b<img src=x onerror=alert(1)>",
    "]]></content><script>alert(1)</script><!--",
    '<iframe src="javascript:alert(1)"></iframe><base href="//evil.example/">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<style>body{display:none}</style><meta http-equiv="refresh" content="0;url=//evil.example">',
    "{{constructor.constructor('alert(1)')()}} ${alert(1)} `${alert(1)}`",
]
# What a URL field is given; refused (422) or shown harmless.
BAD_URLS = ["javascript:alert(1)", "https://e.example/\"onmouseover=\"alert(1)",
            "https://e.example/<script>alert(1)</script>", "data:text/html,<script>alert(1)</script>",
            "vbscript:alert(1)", "jAvAsCrIpT:alert(1)", " javascript:alert(1)"]

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset",
             "background", "cite"}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data:text|data:application)", re.I)
SHOWN_ATTRS = {"value", "alt", "title", "placeholder", "aria-label", "content", "label"}
NEVER = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


class Checker(HTMLParser):
    """Collects what would run or load in a browser and came from a payload."""

    def __init__(self, base=None):
        super().__init__(convert_charrefs=True)
        self.base = base  # the standalone recap's own <base href>
        self.found, self.in_script, self.text, self.last = [], False, [], None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.last = tag
        if tag in NEVER and not (tag == "base" and a.get("href") == self.base):
            self.found.append(f"<{tag}>")
        if tag == "script":
            if not a.get("src", "").startswith("/static/"):
                self.found.append(f"<script {a}>")
            self.in_script = True
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for k, v in a.items():
            if k.startswith("on"):
                self.found.append(f"<{tag} {k}=>")
            if k in URL_ATTRS and BAD_SCHEME.match(v):
                self.found.append(f"<{tag} {k}={v!r}>")
            if k in SHOWN_ATTRS or k.startswith("data-"):
                self.text.append(f"\n{v}\n")
            if "alert(" in v or "evil.example" in v:
                if not (k in SHOWN_ATTRS or k.startswith("data-")):
                    self.found.append(f"<{tag} {k}={v!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append(f"inline script {data[:60]!r}")
        if self.last == "style" and "display:none" in data:
            self.found.append(f"<style> {data[:60]!r}")
        self.text.append(data)


def check_html(body, where, base=None):
    c = Checker(base)
    c.feed(body)
    c.close()
    assert not c.found, f"{where}: {c.found[:5]}"
    return "".join(c.text)


def check_atom(body, where):
    root = ET.fromstring(body.encode("utf-8"))  # well-formed, or this raises
    shown = []
    for el in root.iter():
        if el.get("type") in ("html", "xhtml") and el.text:
            shown.append(check_html(el.text, f"{where} <{el.tag}>"))
        else:
            shown.append(el.text or "")
    return "\n".join(shown)


def check_markdown(body, where):
    # A renderer that passes HTML through would run these: they must be escaped.
    for raw in ("<script", "<img", "<svg", "<iframe", "<base", "<meta", "<style", "<a href"):
        assert raw not in body.lower(), f"{where}: raw {raw!r}"
    for m in re.finditer(r"(?<!\\)\][(:]\s*<?([^\s)>]*)", body):
        url = re.sub(r"[\x00-\x20]", "", html.unescape(m.group(1))).lower()
        assert not BAD_SCHEME.match(url), f"{where}: a link to {m.group(1)!r}"
    # what a reader of the rendered Markdown sees: entities and backslash escapes undone
    return re.sub(r"\\(.)", r"\1", html.unescape(body))


def present(payload, shown):
    """Is payload in the text a reader sees (whitespace folded, bidi marks kept)?"""
    fold = lambda s: re.sub(r"\s+", " ", s)
    return fold(payload) in fold(shown)


class XssWorld:
    def __init__(self, server):
        self.server = server
        self.pages = 0
        self.n = len(PAYLOADS)
        self.passwords = {}
        for i in range(self.n):
            r = server.cli("user", "add", f"x{i}", "--role", "editor")
            assert r.returncode == 0, r
            self.passwords[f"x{i}"] = ADDED_PASSWORD.search(r.stdout.decode()).group(1)
        r = server.cli("user", "add", "mem", "--role", "member")
        self.passwords["mem"] = ADDED_PASSWORD.search(r.stdout.decode()).group(1)
        # a display name is not typed through any page yet: the store holds it as any field
        with sqlite3.connect(f"{server.data}/gazouillis.db", timeout=30) as db:
            for i, p in enumerate(PAYLOADS):
                db.execute("UPDATE accounts SET display_name = ? WHERE username = ?", (p, f"x{i}"))
        self.tokens = {name: self.token(name) for name in self.passwords}
        self.member = sign_in_as(server, "mem", self.passwords["mem"])
        self.admin = sign_in_as(server, "admin", server.admin_password)
        self.made = {}

    def token(self, name):
        r = self.server.cli("token", "create", name, "--scopes", "read write follow push")
        assert r.returncode == 0, r
        return r.stdout.decode().strip().split()[-1]

    def api(self, who, method, path, **kw):
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return requests.request(method, self.server.url(path), headers=headers, timeout=30, **kw)

    def make(self, i):
        """Everything of payload i; returns what the pages need."""
        p, who, slug = PAYLOADS[i], f"x{i}", f"xss{i}"
        doc = {"slug": slug, "title": p, "hashtag": slug, "lang": "fr", "state": "live",
               "char_limit": 500, "series": p, "context": p, "disclaimer": p, "conclusion": p,
               "signature": p, "venue": {"name": p, "address": p, "url": "https://v.example/"},
               "audience_posts": True, "moderation": True, "comment_policy": "guests",
               "people": [{"name": f"Jacques {i}", "affiliation": p, "role": "panelist",
                           "aliases": [p], "url": "https://p.example/"},
                          {"name": p, "affiliation": p, "role": "moderator"}],
               "organizations": [{"kind": "sponsor", "name": p, "url": "https://o.example/"}]}
        r = self.api(who, "POST", "/api/v1/events", json=doc)
        assert r.status_code == 201, (i, r.text)
        out = {"slug": slug, "who": who}
        r = self.api(who, "POST", f"/api/v1/events/{slug}/posts",
                     json={"text": f"{p} #{slug}", "speaker": {"name": f"Jacques {i}"}})
        assert r.status_code == 201, (i, r.text)
        out["post"] = r.json()["id"]
        r = self.api(who, "POST", f"/api/v1/events/{slug}/posts",
                     json={"text": f"{p}", "speaker": {"name": p}})
        assert r.status_code == 201, (i, r.text)
        r = self.api("mem", "POST", f"/api/v1/events/{slug}/posts", json={"text": p})
        assert r.status_code == 201 and r.json()["state"] == "pending", (i, r.text)
        # comments: the editor's, a guest's approved, a guest's waiting
        r = self.api(who, "POST", f"/api/v1/events/{slug}/comments", json={"body": p})
        assert r.status_code == 201, (i, r.text)
        out["comment"] = r.json()["id"]
        for n in range(2):
            r = self.api(None, "POST", f"/api/v1/events/{slug}/comments",
                         json={"body": p, "name": p[:64].replace("\n", " "),
                               "email": f"g{i}-{n}@example.org"})
            assert r.status_code == 201 and r.json()["state"] == "pending", (i, r.text)
            if n == 0:
                a = self.api(who, "POST", f"/api/v1/events/{slug}/comments/{r.json()['id']}/approve")
                assert a.status_code == 200, a.text
        # a picture described and credited by the payload
        r = self.api(who, "POST", "/api/v2/media", files={"file": ("p.png", png(), "image/png")},
                     data={"description": p})
        assert r.status_code in (200, 202), (i, r.text)
        media = r.json()["id"]
        r = self.api(who, "POST", "/api/v1/statuses",
                     data={"status": f"Jacques {i}: photo #{slug}", "media_ids[]": media})
        assert r.status_code == 200, (i, r.text)
        out["status"] = r.json()["id"]
        r = self.api(who, "POST", "/api/v1/statuses", data={"status": p})
        assert r.status_code == 200, (i, r.text)
        out["profile_status"] = r.json()["id"]
        out["editor"] = self.admin  # an admin sees every event as its editors do
        page = out["editor"].get(self.server.url(f"/e/{slug}"), timeout=10).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = out["editor"].post(self.server.url(f"/media/{media}/credit"),
                               data={"csrf": csrf, "credit": p}, allow_redirects=False,
                               timeout=10)
        assert r.status_code == 303, (i, r.status_code, r.text[:300])
        # an app named by the payload, on the consent page
        r = requests.post(self.server.url("/api/v1/apps"),
                          data={"client_name": p, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                "scopes": "read", "website": "https://app.example/"}, timeout=10)
        assert r.status_code == 200, (i, r.text)
        out["client_id"] = r.json()["client_id"]
        return out


@pytest.fixture(scope="module")
def xw(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "xss")
    w = XssWorld(srv)
    yield w
    print(f"\nXSS: {len(PAYLOADS)} payloads, {w.pages} page fetches checked")
    stop(srv)


def q(s):
    return urllib.parse.quote(s, safe="")


def reader_pages(i, m):
    p, slug = PAYLOADS[i], m["slug"]
    return [
        ("/", "html", False), (f"/e/{slug}", "html", True),
        (f"/e/{slug}?speaker={q(p)}", "html", True),
        (f"/e/{slug}?speaker={q(f'Jacques {i}')}", "html", True),
        (f"/e/{slug}/recap", "html", True), (f"/e/{slug}/recap?view=speakers", "html", True),
        (f"/e/{slug}/recap?order=newest", "html", True),
        (f"/e/{slug}/recap?reply={m['comment']}", "html", True),
        (f"/e/{slug}/recap.html", "html", True), (f"/e/{slug}/wall", "html", True),
        (f"/e/{slug}/wall?theme=light", "html", True), (f"/tags/{slug}", "html", True),
        (f"/@x{i}", "html", True), (f"/users/x{i}", "html", True),
        (f"/search?q={q(p)}", "html", True), (f"/search?q={slug}", "html", True),
        (f"/login?next={q(p)}", "html", False), (f"/e/{q(p)}", "html", False),
        (f"/tags/{q(p)}", "html", False), (f"/@{q(p)}", "html", False),
        (f"/e/{slug}/feed.atom", "atom", True), (f"/e/{slug}/comments.atom", "atom", True),
        (f"/e/{slug}/recap.md", "markdown", True),
        (f"/e/{slug}.json", "json", True), (f"/api/v1/events/{slug}", "json", True),
        (f"/api/v1/events/{slug}/posts", "json", True),
        (f"/api/v1/events/{slug}/comments", "json", True),
        (f"/api/v1/statuses/{m['profile_status']}", "json", True),
        (f"/api/v1/statuses/{m['status']}", "json", False),
        (f"/api/v1/timelines/tag/{slug}", "json", False),
        (f"/api/v1/accounts/lookup?acct=x{i}", "json", True),
    ]


def editor_pages(i, m):
    slug = m["slug"]
    return [
        (f"/e/{slug}", "html", True), (f"/e/{slug}/recap", "html", True),
        (f"/e/{slug}/recap?edit={m['comment']}", "html", True),
        (f"/e/{slug}/moderate", "html", True), (f"/e/{slug}/edit", "html", True),
        (f"/posts/{m['post']}/edit", "html", True), (f"/@x{i}", "html", True),
        ("/oauth/authorize?response_type=code&scope=read&redirect_uri="
         f"{q('urn:ietf:wg:oauth:2.0:oob')}&client_id={m['client_id']}", "html", True),
    ]


def check_page(xw, session, i, path, kind, must_show):
    p = PAYLOADS[i]
    r = session.get(xw.server.url(path), timeout=30)
    where = f"payload {i} {p!r} on {path} ({r.status_code})"
    assert r.status_code < 500, where
    assert r.headers.get("X-Content-Type-Options") == "nosniff", where
    ctype = r.headers.get("Content-Type", "")
    body = r.text
    if kind == "html":
        if not ctype.startswith("text/html"):
            assert ctype.startswith("application/json"), where  # the router's 404
            shown = body
        else:
            shown = check_html(body, where, xw.server.base + "/")
    elif kind == "atom":
        assert ctype.startswith("application/atom+xml"), where
        shown = check_atom(body, where)
    elif kind == "markdown":
        assert ctype.startswith("text/markdown"), where
        shown = check_markdown(body, where)
    else:
        assert ctype.startswith("application/json"), where
        # what clients show as HTML (Mastodon's "content" and "note", our "html")
        for key, value in _html_fields(r.json()):
            check_html(value, f"{where} JSON {key!r}")
        shown = "\n".join(_strings(r.json()))
    xw.pages += 1
    if must_show:
        assert present(p, shown) or present(html.unescape(p), shown), f"{where}: not shown"


def _html_fields(j):
    if isinstance(j, dict):
        for k, v in j.items():
            if k in ("content", "html", "note") and isinstance(v, str):
                yield k, v
            else:
                yield from _html_fields(v)
    elif isinstance(j, list):
        for v in j:
            yield from _html_fields(v)


def _strings(j):
    if isinstance(j, str):
        yield j
    elif isinstance(j, dict):
        for v in j.values():
            yield from _strings(v)
    elif isinstance(j, list):
        for v in j:
            yield from _strings(v)


@pytest.mark.parametrize("i", range(len(PAYLOADS)))
def test_payload_is_never_markup(xw, i):
    m = xw.make(i)
    reader = requests.Session()
    for path, kind, must_show in reader_pages(i, m):
        check_page(xw, reader, i, path, kind, must_show)
    for path, kind, must_show in editor_pages(i, m):
        check_page(xw, m["editor"], i, path, kind, must_show)
    # the member's view of the recap, with the comment form
    check_page(xw, xw.member, i, f"/e/{m['slug']}/recap", "html", True)


def test_urls_that_are_not_http_are_refused(xw):
    token = xw.tokens["x0"]
    tried = 0
    for url in BAD_URLS:
        for field in ("venue", "people", "organizations"):
            doc = {"slug": "url-check", "title": "URL", "hashtag": "url", "state": "live"}
            if field == "venue":
                doc["venue"] = {"name": "V", "url": url}
            elif field == "people":
                doc["people"] = [{"name": "P", "role": "panelist", "url": url}]
            else:
                doc["organizations"] = [{"kind": "sponsor", "name": "O", "url": url}]
            r = requests.post(xw.server.url("/api/v1/events"), json=doc, timeout=10,
                              headers={"Authorization": f"Bearer {token}"})
            tried += 1
            assert r.status_code == 422 and "url" in r.json()["error"], (field, url, r.text)
    # an app's redirect URI that would run script in the browser
    for url in BAD_URLS[:1] + BAD_URLS[3:]:
        r = requests.post(xw.server.url("/api/v1/apps"),
                          data={"client_name": "a", "redirect_uris": url.strip()}, timeout=10)
        tried += 1
        assert r.status_code == 422, (url, r.status_code, r.text)
    print(f"\nURL fields: {tried} hostile URLs refused")


def test_a_payload_in_an_invalid_form_is_shown_escaped(xw):
    """The edit form sent back with its error (a bad slug) shows every typed value escaped."""
    s = xw.admin
    page = s.get(xw.server.url("/events/new"), timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    for p in PAYLOADS:
        r = s.post(xw.server.url("/events/new"), timeout=10, allow_redirects=False,
                   data={"csrf": csrf, "title": p, "slug": p, "hashtag": p, "series": p,
                         "context": p, "lang": "fr", "state": "live"})
        assert r.status_code in (400, 409, 422), (p, r.status_code)
        shown = check_html(r.text, f"new event form with {p!r}")
        assert present(p, shown), p
        xw.pages += 1


def test_the_import_report_shows_lines_escaped(xw):
    m = {"slug": "xss0"}
    s = xw.admin
    page = s.get(xw.server.url("/e/xss0/edit"), timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    lines = "".join(f"- {p}\n" for p in PAYLOADS).encode()
    r = s.post(xw.server.url(f"/e/{m['slug']}/import"), data={"csrf": csrf},
               files={"file": ("list.txt", lines, "text/plain")}, timeout=30)
    assert r.status_code == 200, r.text[:500]
    check_html(r.text, "import report")
    xw.pages += 1
    r = s.get(xw.server.url("/e/xss0"), timeout=10)
    shown = check_html(r.text, "event page after import")
    assert present(PAYLOADS[-1], shown)
