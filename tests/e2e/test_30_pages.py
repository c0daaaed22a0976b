"""tests/e2e/test_30_pages.py - the server as a reader sees it: the HTML
pages (home, event, recap, hashtag, profile, search, the stylesheet) and
the exports (recap.md, the standalone recap.html, the event document as
.json, the Atom feed), each with its content type and security headers;
the reference event posted in full gives a recap and a Markdown export
that hold every element of the reference document, in order; search
without accents; hostile text shown escaped everywhere; French and English;
drafts and unknown events answer 404.
"""
import html
import html.parser
import re
import xml.etree.ElementTree as ET

import pytest
import requests

import reference

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
ATOM = "{http://www.w3.org/2005/Atom}"
URL = re.compile(r"https?://\S+|www\.\S+")


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def get(server, path, **kw):
    return requests.get(server.url(path), timeout=10, **kw)


def create(server, token, doc):
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def reference_posts():
    """The 51 messages as document posts, one minute apart from 18:02 (Québec time)."""
    return [{"text": m, "author": "admin", "speaker": reference.speaker_of(m),
             "created_at": f"2014-11-20T{23 + (2 + i) // 60:02d}:{(2 + i) % 60:02d}:00Z"}
            for i, m in enumerate(reference.messages())]


@pytest.fixture(scope="module")
def ref(server):
    """The reference event with its 51 posts, created once for the module."""
    token = server.token("admin")
    doc = reference.event_document("cooperer-2014")
    doc["posts"] = reference_posts()
    create(server, token, doc)
    return {"slug": "cooperer-2014", "token": token, "doc": doc}


class Text(html.parser.HTMLParser):
    """The text of a page (entities decoded) and the hrefs, in document order."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.parts, self.links = [], []
        self.feed(page)
        self.text = "".join(self.parts)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag in ("p", "li", "h1", "h2", "h3", "br", "div", "section", "article"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        # an address on the web is noted after its link's text (as in Markdown)
        if tag == "a" and self.links:
            href = self.links.pop()
            if href.startswith("http"):
                self.parts.append(" [%s] " % href)

    def handle_data(self, data):
        self.parts.append(data)


def assert_in_order(text, items):
    """Each item is found in text after the previous one."""
    at = 0
    for item in items:
        found = text.find(item, at)
        assert found >= 0, f"{item!r} missing after offset {at}: ...{text[at:at + 300]!r}"
        at = found + len(item)


def message_pieces(message):
    """A message as what any rendering keeps of it: the text between URLs, the URLs."""
    pieces = []
    at = 0
    for m in URL.finditer(message):
        if message[at:m.start()].strip():
            pieces.append(message[at:m.start()].strip())
        at = m.end()
    if message[at:].strip():
        pieces.append(message[at:].strip())
    return pieces


def canonical_speaker(message):
    sp = reference.speaker_of(message)
    if sp is None:
        return None
    if sp.get("audience"):
        return sp["label"]
    for p in reference.PEOPLE:
        if sp["name"] == p["name"] or sp["name"] in p["aliases"]:
            return p["name"]
    raise AssertionError(sp)


def expected_recap(doc, messages, date="20 novembre 2014"):
    """Every element of the reference document, in the recap's order."""
    items = [doc["title"], date, "La Nef", doc["venue"]["url"], doc["series"], "40",
             "nous étions plus de 40 participants"]
    # panelists, the moderator, the others: the people in role groups
    order = ([p for p in reference.PEOPLE if p["role"] == "panelist"]
             + [p for p in reference.PEOPLE if p["role"] == "moderator"]
             + [p for p in reference.PEOPLE if p["role"] not in ("panelist", "moderator")])
    for p in order:
        items += [p["name"], p["affiliation"]]
    for kind in ("organizer", "sponsor", "supplier"):
        for o in reference.ORGANIZATIONS:
            if o["kind"] == kind:
                items += [o["name"], o["url"].rstrip("/")]
    items.append(doc["disclaimer"])
    for m in messages:
        speaker = canonical_speaker(m)
        if speaker:
            items.append(speaker)
        items += message_pieces(m)
    items += [doc["conclusion"], doc["signature"]]
    return items


# ---- every page: status, type, headers ----

PAGES = [
    ("/", "text/html"),
    ("/e/cooperer-2014", "text/html"),
    ("/e/cooperer-2014/recap", "text/html"),
    ("/e/cooperer-2014/recap.md", "text/markdown"),
    ("/e/cooperer-2014/recap.html", "text/html"),
    ("/e/cooperer-2014.json", "application/json"),
    ("/e/cooperer-2014/feed.atom", "application/atom+xml"),
    ("/tags/innover", "text/html"),
    ("/tags/INNOVER", "text/html"),
    ("/@admin", "text/html"),
    ("/users/admin", "text/html"),
    ("/search?q=cooperer", "text/html"),
    ("/search", "text/html"),
    ("/static/gazouillis.css", "text/css"),
]


@pytest.mark.parametrize("path,ctype", PAGES)
def test_every_page_answers_with_its_type_and_security_headers(server, ref, path, ctype):
    r = get(server, path)
    assert r.status_code == 200, (path, r.text[:300])
    assert r.headers["Content-Type"] == f"{ctype}; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    if path.endswith(".css"):
        assert "@media print" in r.text and "url(" not in r.text  # nothing fetched
        return
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"
    if path.endswith("recap.html"):
        csp = r.headers["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in csp and "script" not in csp
        assert "frame-ancestors 'none'" in csp
    else:
        assert r.headers["Content-Security-Policy"] == CSP
    if ctype == "text/html":
        assert r.text.startswith("<!doctype html>")
        assert 'name="viewport"' in r.text
        if not path.endswith("recap.html"):
            assert 'href="/static/gazouillis.css"' in r.text
            assert "<style" not in r.text and "style=" not in r.text  # the CSP forbids them
        # scripts only from our own files, never inline (the CSP would refuse them)
        scripts = re.findall(r"<script[^>]*>.*?</script>", r.text, re.S)
        assert r.text.count("<script") == len(scripts)
        assert all(re.fullmatch(r'<script src="/static/[a-z]+\.js" defer></script>', t)
                   for t in scripts), scripts


def test_head_answers_without_a_body(server, ref):
    r = requests.head(server.url("/e/cooperer-2014/recap"), timeout=10)
    assert r.status_code == 200 and r.content == b""


# ---- the reference document ----

def test_the_recap_holds_the_whole_reference_document_in_order(server, ref):
    r = get(server, "/e/cooperer-2014/recap")
    page = Text(r.text).text
    messages = reference.messages()
    assert_in_order(page, expected_recap(ref["doc"], messages))
    assert '<html lang="fr">' in r.text
    assert "51 messages en 140 caractères" in page
    # times in the event's zone (-05:00): the first post at 23:02Z is 18 h 02
    assert_in_order(page, ["18 h 02", "Aina Rakotoarinivo", "18 h 03", "Félix Bussières"])
    # every URL of the posts is a link
    for m in messages:
        for u in URL.findall(m):
            if u.startswith("http"):
                assert html.escape(u, quote=True) in r.text or u in page, u
    # Markdown fields are rendered, not shown as Markdown
    assert "<em>Semaines de l’économie sociale</em>" in r.text


def test_the_standalone_recap_is_one_file(server, ref):
    r = get(server, "/e/cooperer-2014/recap.html")
    assert "<style>" in r.text and ".recap" in r.text
    assert "/static/gazouillis.css" not in r.text
    assert f'<base href="{server.base}/">' in r.text
    assert_in_order(Text(r.text).text, expected_recap(ref["doc"], reference.messages()))


def unmarkdown(md):
    """What a Markdown reader sees of our export's escapes and autolinks."""
    md = re.sub(r"<(https?://[^>\s]+)>", r"\1", md)
    return html.unescape(re.sub(r"\\([\\`*_\[\]#])", r"\1", md))


def test_the_markdown_export_holds_every_element_in_order(server, ref):
    r = get(server, "/e/cooperer-2014/recap.md")
    md = r.text
    assert md.startswith("# " + ref["doc"]["title"] + "\n")
    text = unmarkdown(md)
    messages = reference.messages()
    assert_in_order(text, expected_recap(ref["doc"], messages))
    for i, m in enumerate(messages, 1):  # one numbered item per post, each whole
        line = next(x for x in text.splitlines() if x.startswith(f"{i}. "))
        assert line.endswith(m), (i, line, m)
    assert "[La Nef](https://www.facebook.com/la.nef.coop.de.solidarite)" in md
    assert "[Sonaudio](http://sonaudio.ca/sonaudio/)" in md


def test_the_json_export_is_the_event_document(server, ref):
    a = get(server, "/e/cooperer-2014.json").json()
    b = get(server, "/api/v1/events/cooperer-2014").json()
    assert a == b
    assert [p["text"] for p in a["posts"]] == reference.messages()
    assert get(server, "/e/nothing.json").status_code == 404


def test_the_atom_feed_parses_with_one_entry_per_post(server, ref):
    r = get(server, "/e/cooperer-2014/feed.atom")
    root = ET.fromstring(r.content)
    assert root.tag == ATOM + "feed"
    assert root.find(ATOM + "id").text == server.url("/e/cooperer-2014")
    assert root.find(ATOM + "title").text == ref["doc"]["title"]
    assert root.find(ATOM + "updated").text == "2014-11-20T23:52:00Z"
    assert root.find(ATOM + "link[@rel='alternate']").get("href") == server.url("/e/cooperer-2014")
    assert root.find(ATOM + "author/" + ATOM + "name").text == "Eric Lamirande"
    entries = root.findall(ATOM + "entry")
    assert len(entries) == 51
    ids = set()
    for e in entries:
        ids.add(e.find(ATOM + "id").text)
        assert e.find(ATOM + "id").text.startswith(server.url("/e/cooperer-2014#p"))
        assert e.find(ATOM + "updated").text.endswith("Z")
        assert e.find(ATOM + "content").get("type") == "html"
    assert len(ids) == 51
    # newest first; the content is the post's HTML
    assert entries[-1].find(ATOM + "title").text == reference.messages()[0]
    assert 'href="/tags/innover"' in entries[0].find(ATOM + "content").text


# ---- the other pages ----

def test_the_event_page_shows_posts_newest_first(server, ref):
    r = get(server, "/e/cooperer-2014")
    page = Text(r.text).text
    messages = reference.messages()
    assert_in_order(page, [ref["doc"]["title"], "20 novembre 2014", "La Nef"]
                    + [message_pieces(m)[0] for m in reversed(messages)])
    assert "En direct" in page  # the state badge


def test_search_without_accents_finds_accented_posts(server, ref):
    page = Text(get(server, "/search?q=cooperer").text).text
    assert "Coopérer dans les ter." in page
    page = Text(get(server, "/search?q=ECONOMIE+sociale+quebec").text).text
    assert "Pôle d’économie sociale de Québec" in page
    page = Text(get(server, "/search?q=zzzzqqq").text).text
    assert "Aucun message ne contient « zzzzqqq »" in page


def test_hashtag_and_profile_pages(server, ref):
    page = Text(get(server, "/tags/innover").text).text
    assert "Messages avec #innover" in page and "Jacques Beaudet" in page
    assert get(server, "/tags/%C3%89conomie").status_code == 200
    page = Text(get(server, "/@admin").text).text
    assert "@admin" in page and "Sylviane Pilote" in page
    assert get(server, "/@nobody").status_code == 404
    assert get(server, "/nobody").status_code == 404


def test_french_and_english_by_accept_language(server, ref):
    cases = [(None, "fr"), ("fr-CA,fr;q=0.9", "fr"), ("en-US,en;q=0.9,fr;q=0.8", "en"),
             ("de-DE, en;q=0.5", "en"), ("de", "fr"), ("en;q=0.3, fr;q=0.7", "fr"),
             ("EN", "en")]
    for header, lang in cases:
        headers = {"Accept-Language": header} if header else {}
        r = get(server, "/", headers=headers)
        assert f'<html lang="{lang}">' in r.text, header
        assert ("Events" if lang == "en" else "Événements") in r.text, header
        assert ("20 November 2014" if lang == "en" else "20 novembre 2014") in r.text
        assert r.headers["Content-Language"] == lang
        assert "Accept-Language" in r.headers["Vary"]
    # event pages speak the event's language, whatever the reader asks
    r = get(server, "/e/cooperer-2014/recap", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in r.text and "Les panélistes" in r.text


def test_an_english_event_is_in_english(server, ref):
    doc = reference.event_document("english-one")
    doc.update(lang="en", starts_at="2015-03-01T09:30:00+01:00", ends_at="2015-03-02T17:00:00+01:00")
    doc["posts"] = [{"text": "Opening words #innover", "author": "admin",
                     "speaker": {"audience": True, "label": None},
                     "created_at": "2015-03-01T08:45:00Z"}]
    create(server, ref["token"], doc)
    page = Text(get(server, "/e/english-one/recap").text).text
    assert_in_order(page, ["1 March 2015, 09:30 – 2 March 2015, 17:00", "Panelists", "Moderator",
                           "Organized by", "Sponsors", "Suppliers", "Disclaimer",
                           "1 post in 140 characters", "09:45", "The audience",
                           "Opening words", "Conclusion"])


def test_unknown_and_draft_events_are_404_pages(server, ref):
    doc = reference.event_document("secret-draft")
    doc["state"] = "draft"
    doc["posts"] = [{"text": "Un secret bien gardé #innover", "author": "admin"}]
    create(server, ref["token"], doc)
    for slug in ("nothing-here", "secret-draft"):
        for suffix in ("", "/recap", "/recap.md", "/recap.html", "/feed.atom"):
            r = get(server, f"/e/{slug}{suffix}", headers={"Accept-Language": "en"})
            assert r.status_code == 404, (slug, suffix)
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"
            assert r.headers["Content-Security-Policy"] == CSP
            assert "Page not found" in r.text
        assert get(server, f"/e/{slug}.json").status_code == 404
    # the draft's posts show nowhere, its event is not on the home page
    assert "Un secret" not in get(server, "/search?q=secret").text
    assert "Un secret" not in get(server, "/tags/innover").text
    assert "Un secret" not in get(server, "/@admin").text
    assert "secret-draft" not in get(server, "/").text
    # its editors see it (a bearer token today, a session later)
    assert get(server, "/e/secret-draft", headers=auth(ref["token"])).status_code == 200


# ---- hostile text ----

SCRIPT = "<script>alert('x')</script>"


def test_html_and_script_are_escaped_on_every_page_and_export(server, ref):
    doc = {
        "slug": "hostile", "title": f"Titre {SCRIPT} & co", "hashtag": "hostile", "lang": "fr",
        "starts_at": "2014-11-20T18:00:00-05:00", "series": f"Série {SCRIPT}",
        "venue": {"name": f"Salle {SCRIPT}", "address": f"1 rue {SCRIPT}",
                  "url": "https://example.org/?a=1&b=2"},
        "attendance": 3,
        "context": f"Contexte {SCRIPT}\n\n<script>alert(2)</script>\n\n"
                   "[lien](javascript:alert(3)) <img src=x onerror=alert(4)>",
        "disclaimer": f"Garde {SCRIPT}", "conclusion": "Fin <SCRIPT>alert(5)</SCRIPT>",
        "signature": f"Signé {SCRIPT}", "state": "published",
        "people": [{"name": f"Nom {SCRIPT}", "affiliation": f"Aff {SCRIPT}",
                    "role": "panelist", "aliases": [], "url": None}],
        "organizations": [{"kind": "sponsor", "name": f"Org {SCRIPT}",
                           "url": "https://example.org/o"}],
        "posts": [{"text": f"Post {SCRIPT} #hostile", "author": "admin",
                   "speaker": {"name": f"Nom {SCRIPT}"}},
                  {"text": "Salle <b>comble</b> #hostile", "author": "admin",
                   "speaker": {"audience": True, "label": f"Public {SCRIPT}"}}],
    }
    create(server, ref["token"], doc)
    paths = ["/", "/e/hostile", "/e/hostile/recap", "/e/hostile/recap.md", "/e/hostile/recap.html",
             "/e/hostile.json", "/e/hostile/feed.atom", "/e/hostile/wall", "/tags/hostile",
             "/@admin",
             "/search?q=post", "/search?q=" + requests.utils.quote(SCRIPT)]
    for path in paths:
        r = get(server, path)
        assert r.status_code == 200, path
        # our own script files aside, no script at all
        body = re.sub(r'<script src="/static/[a-z]+\.js" defer></script>', "", r.text.lower())
        assert "<script" not in body, (path, body[body.find("<script") - 200:][:400])
        assert "<img" not in body, path
        if r.headers["Content-Type"].startswith("text/html"):
            assert "javascript:" not in body, path
        assert "<b>comble" not in body, path
    page = get(server, "/e/hostile/recap").text
    assert "Titre &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in page
    assert 'href="https://example.org/?a=1&amp;b=2"' in page
    assert "Nom &lt;script&gt;" in page and "Public &lt;script&gt;" in page
    assert "Contexte <!-- raw HTML omitted -->" in page  # cmark drops raw HTML
    assert '<a href="">lien</a>' in page  # and empties javascript: links
    md = get(server, "/e/hostile/recap.md").text
    assert "# Titre &lt;script&gt;alert('x')&lt;/script&gt; &amp; co" in md
    # the JSON is still the same document, its markup only written as \u003c
    j = get(server, "/e/hostile.json").json()
    assert j == get(server, "/api/v1/events/hostile").json()
    assert j["title"] == doc["title"]
    # the feed is XML that parses, with the text intact
    root = ET.fromstring(get(server, "/e/hostile/feed.atom").content)
    assert root.find(ATOM + "title").text == doc["title"]
