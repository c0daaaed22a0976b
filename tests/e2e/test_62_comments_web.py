"""tests/e2e/test_62_comments_web.py - readers' comments under the recap
(/e/:slug/recap) as a browser without JavaScript uses them (requests.Session,
signed in through /login or as a guest with the gz_guest cookie): the
section and its heading, each comment's markup (identicon inline, author,
guest badge, permalink, body as paragraphs with its links marked nofollow
ugc and its HTML escaped), replies nested three levels then flat, the two
orders, a deleted comment that keeps its replies, likes of comments and of
posts (form POST, and JSON for the script), the form for members and for
guests, every refusal with its status and message and nothing stored
(empty, too long, no name, honeypot, CSRF, members only, closed, ended,
rate limited, banned), a guest's comment waiting for an editor, editing
and deleting within 15 minutes, the moderation page and its actions, the
exports (Markdown, standalone HTML, JSON, Atom), the home page's count and
the event form's fields.
"""
import datetime
import html
import itertools
import re
import sqlite3
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import requests

import reference
from conftest import Server
from test_40_web_auth import ADDED, set_cookies, sign_in
from test_42_event_edit import form_of

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
REFUSED = "Réflexion refusée : "
EMPTY = "la réflexion est vide"
NO_NAME = "un nom est requis"
HONEYPOT = "le champ caché doit rester vide"
BANNED = "vous ne pouvez pas commenter cet événement"
NOT_AUTHOR = "seul son auteur peut modifier ou supprimer une réflexion"
TOO_LATE = "une réflexion se modifie ou se supprime dans les 15 minutes suivant sa publication"
NO_PARENT = "la réflexion à laquelle vous répondez n’existe pas"
CLOSED = "Les réflexions sont fermées pour cet événement."
ENDED = "La période des réflexions est terminée."
MEMBERS = "Connectez-vous pour laisser une réflexion."
PENDING = "Merci ! Votre réflexion sera publiée après approbation."
DELETED = "Commentaire supprimé."


# ---- a small DOM, to check where things are (the standard library's parser) ----

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants of that tag having every class of cls (space separated) and attrs."""
        want = set((cls or "").split())
        return [n for n in self.iter()
                if (tag is None or n.tag == tag) and want <= set(n.classes)
                and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v
                        for k, v in attrs.items())]

    def one(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found), self.html()[:3000])
        return found[0]

    def first(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent

    def element_children(self, tag=None):
        return [c for c in self.children if isinstance(c, Node) and (tag is None or c.tag == tag)]

    def html(self):
        inner = "".join(html.escape(c, quote=False) if isinstance(c, str) else c.html()
                        for c in self.children)
        return f"<{self.tag} {self.attrs}>{inner}</{self.tag}>"


class Tree(HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.root = Node("#document", {}, None)
        self.stack = [self.root]
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, attrs, self.stack[-1]))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                del self.stack[k:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def dom(page):
    return Tree(page).root


# ---- the server and its people ----

def finish(srv):
    status = srv.stop()
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert status == 0, f"exit status {status}\n{log[-4000:]}"


@pytest.fixture(scope="module")
def srv(gazouillis_asan, tmp_path_factory):
    """The sanitized server, with comment limits high enough never to be reached here."""
    base = tmp_path_factory.mktemp("comments-web")
    s = Server(gazouillis_asan, base / "data", base / "server.log",
               "--comments-per-address", "1000", "--comments-per-account", "1000")
    yield s
    finish(s)


class People:
    """Accounts of a server and their signed-in sessions (made once, on demand)."""

    def __init__(self, server):
        self.server, self.passwords, self.sessions = server, {}, {}
        self.add("edith", "editor")
        self.editor_token = server.token("edith")
        for name in ("alice", "bruno", "chloe", "denis"):
            self.add(name)

    def add(self, name, role="member"):
        r = self.server.cli("user", "add", name, "--role", role)
        assert r.returncode == 0, r
        self.passwords[name] = ADDED.search(r.stdout.decode()).group(1)

    def session(self, name):
        if name not in self.sessions:
            s, r = sign_in(self.server, name, self.passwords[name])
            assert r.status_code == 303, r.text
            self.sessions[name] = s
        return self.sessions[name]


@pytest.fixture(scope="module")
def people(srv):
    return People(srv)


_slugs = itertools.count(1)


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def make_event(server, token, slug, posts=("Il faut travailler ensemble.",), state="published",
               **fields):
    """An event created over the API (live), its posts, then put in state."""
    doc = dict(reference.event_document(slug), state="live", **fields)
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    for text in posts:
        r = requests.post(server.url(f"/api/v1/events/{slug}/posts"), json={"text": text},
                          headers=auth(token), timeout=10)
        assert r.status_code == 201, r.text
    if state != "live":
        r = requests.patch(server.url(f"/api/v1/events/{slug}"), json={"state": state},
                           headers=auth(token), timeout=10)
        assert r.status_code == 200, r.text
    return slug


@pytest.fixture
def event(srv, people):
    """make(policy="members", **fields): a new published event of edith's; returns its slug."""
    def make(comment_policy="members", **fields):
        return make_event(srv, people.editor_token, f"reflexions-{next(_slugs)}",
                          comment_policy=comment_policy, **fields)
    return make


def db(server, sql, *params):
    with sqlite3.connect(f"{server.data}/gazouillis.db", timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def stored(server, slug):
    """[(id, parent_id, state, body)] of an event's comments, in id order."""
    return db(server, "SELECT c.id, c.parent_id, c.state, c.body FROM comments c "
                      "JOIN events e ON e.id = c.event_id WHERE e.slug = ? ORDER BY c.id", slug)


def recap(server, s, slug, query=""):
    r = (s or requests).get(server.url(f"/e/{slug}/recap{query}"), timeout=10)
    assert r.status_code == 200, r.text[:2000]
    return r


def section(page):
    """The comments section of a recap page."""
    return dom(page).one("section", cls="comments", id="comments")


def heading(page):
    return section(page).element_children("h2")[0].text()


def item(page, cid):
    """The <li> of comment cid, or None."""
    return dom(page).first("li", id=f"c{cid}")


def comment_form_fields(page, slug):
    return form_of(page, f"/e/{slug}/comments")


def say(server, s, slug, body, page=None, **fields):
    """Posts the recap's comment form as it is on the page, with body and fields."""
    page = page if page is not None else recap(server, s, slug).text
    data = dict(comment_form_fields(page, slug), body=body, **fields)
    return s.post(server.url(f"/e/{slug}/comments"), data=data, allow_redirects=False,
                  timeout=10)


def said(server, s, slug, body, **fields):
    """A member's comment, shown at once: its id."""
    r = say(server, s, slug, body, **fields)
    assert r.status_code == 303, (r.status_code, r.text[:3000])
    m = re.fullmatch(rf"/e/{re.escape(slug)}/recap#c(\d+)", r.headers["Location"])
    assert m, r.headers["Location"]
    return m.group(1)


def guest(server, slug):
    """A new guest browser that opened the recap; returns the session."""
    s = requests.Session()
    recap(server, s, slug)
    assert TOKEN.fullmatch(s.cookies["gz_guest"]), s.cookies
    return s


def refused(r, status, reason):
    """The recap again with the refusal above the form; returns the page's DOM."""
    assert r.status_code == status, (r.status_code, r.text[:3000])
    assert r.headers["Content-Type"].startswith("text/html"), r.headers
    root = dom(r.text)
    form = root.one("form", id="comment-form")
    err = form.one("p", cls="error")
    assert err.attrs.get("role") == "alert"
    assert err.text() == REFUSED + reason, err.text()
    return root


def typed(root):
    """The form's fields as the refused page shows them again."""
    form = root.one("form", id="comment-form")
    out = {"body": form.one("textarea", name="body").text()}
    for inp in form.find_all("input"):
        out[inp.attrs.get("name")] = inp.attrs.get("value")
    return out


def alerts(page):
    """The texts of the page's refusals (p.error role=alert), wherever they are."""
    return [p.text() for p in dom(page).find_all("p", cls="error")
            if p.attrs.get("role") == "alert"]


def no_external_images(page):
    root = dom(page)
    for img in root.find_all("img"):
        src = img.attrs.get("src", "")
        assert not re.match(r"(?i)(https?:)?//", src), src
    assert "gravatar" not in page.lower()


def likes_of(page, action):
    form = dom(page).one("form", cls="like", action=action)
    button = form.one("button")
    return (int(form.one("span", cls="likes-count").text()), button.attrs.get("aria-pressed"),
            form.one("input", name="like").attrs.get("value"))


# ---- the section and one comment ----

def test_an_empty_section_with_the_form(srv, people, event):
    slug = event()
    page = recap(srv, people.session("alice"), slug).text
    sec = section(page)
    assert sec.element_children("h2")[0].text() == "Réflexions"
    assert "Aucune réflexion pour l’instant." in sec.text()
    form = sec.one("form", id="comment-form")
    assert form.attrs["method"] == "post" and form.attrs["action"] == f"/e/{slug}/comments"
    csrf = form.one("input", name="csrf")
    assert csrf.attrs["type"] == "hidden" and TOKEN.fullmatch(csrf.attrs["value"])
    parent = form.one("input", name="parent_id")
    assert parent.attrs["type"] == "hidden" and parent.attrs.get("value", "") == ""
    assert form.one("textarea", name="body")
    # a member gives no name nor email; the honeypot is there for every form
    assert form.find_all("input", name="name") == [] and form.find_all("input", name="email") == []
    hp = form.one("div", cls="hp")
    assert hp.one("input", name="website")
    assert '<script src="/static/comments.js"' in page
    # the script is served
    r = requests.get(srv.url("/static/comments.js"), timeout=10)
    assert r.status_code == 200 and "javascript" in r.headers["Content-Type"]


def test_a_members_comment_and_how_it_is_shown(srv, people, event):
    slug = event()
    alice = people.session("alice")
    page = recap(srv, alice, slug).text
    # the session's token, as in every signed-in form
    assert comment_form_fields(page, slug)["csrf"] == re.search(
        r'name="csrf" value="([A-Za-z0-9_-]{43})"', page).group(1)
    body = ("Merci pour ce compte rendu, voir https://example.org/page?a=1\n\n"
            "Deuxième paragraphe <b>gras</b><script>alert(1)</script>")
    cid = said(srv, alice, slug, body)
    assert [(str(i), p, st, b) for i, p, st, b in stored(srv, slug)] == [
        (cid, None, "approved", body)]
    for s in (alice, requests.Session(), people.session("bruno")):
        page = recap(srv, s, slug).text
        assert heading(page) == "1 réflexion"
        li = item(page, cid)
        assert li is not None and li.tag == "li" and li.classes == ["comment-item"]
        article = li.element_children("article")[0]
        assert article.classes == ["comment"]
        assert article.one("svg", cls="avatar")  # inline identicon
        assert article.one("span", cls="author").text() == "alice"
        assert article.find_all("span", cls="badge") == []  # a member, not a guest
        assert article.one("a", cls="permalink").attrs["href"] == f"/e/{slug}/recap#c{cid}"
        content = article.one("div", cls="comment-body")
        paragraphs = content.element_children("p")
        assert len(paragraphs) == 2, content.html()
        link = paragraphs[0].one("a")
        assert link.attrs["href"] == "https://example.org/page?a=1"
        assert set(link.attrs["rel"].split()) == {"nofollow", "ugc", "noopener"}
        assert paragraphs[1].text() == "Deuxième paragraphe <b>gras</b><script>alert(1)</script>"
        assert paragraphs[1].element_children() == []  # text only: no <b>, no <script>
        assert "&lt;b&gt;gras&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page
        no_external_images(page)


def test_the_english_words(srv, people):
    slug = make_event(srv, people.editor_token, "english-comments", lang="en",
                      comment_policy="members")
    alice = people.session("alice")
    assert heading(recap(srv, alice, slug).text) == "Comments"
    said(srv, alice, slug, "First!")
    assert heading(recap(srv, alice, slug).text) == "1 comment"
    said(srv, alice, slug, "Second.")
    page = recap(srv, alice, slug).text
    assert heading(page) == "2 comments"
    r = say(srv, alice, slug, "")
    assert r.status_code == 422
    err = dom(r.text).one("p", cls="error")
    assert err.text() == "Comment refused: the comment is empty"
    assert len(stored(srv, slug)) == 2


def test_the_home_page_links_to_the_comments(srv, people, event):
    slug, quiet = event(), event()
    alice = people.session("alice")
    said(srv, alice, slug, "un")
    home = dom(requests.get(srv.url("/"), headers={"Accept-Language": "fr"}, timeout=10).text)
    link = home.one("a", cls="comment-count", href=f"/e/{slug}/recap#comments")
    assert link.text() == "1 réflexion"
    said(srv, alice, slug, "deux")
    home = dom(requests.get(srv.url("/"), headers={"Accept-Language": "fr"}, timeout=10).text)
    assert home.one("a", cls="comment-count",
                    href=f"/e/{slug}/recap#comments").text() == "2 réflexions"
    assert home.find_all("a", cls="comment-count", href=f"/e/{quiet}/recap#comments") == []


# ---- replies and order ----

def test_reply_through_the_reply_link(srv, people, event):
    slug = event()
    alice, bruno = people.session("alice"), people.session("bruno")
    first = said(srv, alice, slug, "Une question ?")
    page = recap(srv, bruno, slug).text
    reply = item(page, first).one("a", cls="reply")
    href = reply.attrs["href"]
    assert href == f"/e/{slug}/recap?reply={first}#comment-form"
    page = recap(srv, bruno, slug, href.split("#")[0][len(f"/e/{slug}/recap"):]).text
    root = dom(page)
    [form] = root.find_all("form", id="comment-form")  # one form, under the comment
    li = root.one("li", id=f"c{first}")
    assert li in form.ancestors()
    assert form.one("input", name="parent_id").attrs["value"] == first
    assert form.one("h3").text() == "Répondre à alice"
    r = say(srv, bruno, slug, "Une réponse.", page=page)
    assert r.status_code == 303, r.text[:2000]
    m = re.fullmatch(rf"/e/{slug}/recap#c(\d+)", r.headers["Location"])
    assert m, r.headers["Location"]
    answer = m.group(1)
    page = recap(srv, alice, slug).text
    assert heading(page) == "2 réflexions"
    li = item(page, first)
    replies = li.one("ol", cls="replies")
    nested = replies.one("li", id=f"c{answer}")
    assert nested.one("span", cls="author").text() == "bruno"
    assert [x[:3] for x in stored(srv, slug)] == [(int(first), None, "approved"),
                                                 (int(answer), int(first), "approved")]
    # a reply to nothing on this event: refused, nothing stored
    for parent in ("999", "pas-un-nombre"):
        r = say(srv, bruno, slug, "dans le vide", parent_id=parent)
        root = refused(r, 422, NO_PARENT)
        assert typed(root)["body"] == "dans le vide"
    assert len(stored(srv, slug)) == 2


def test_replies_nest_three_levels_then_go_flat(srv, people, event):
    slug = event()
    who = ["alice", "bruno", "chloe", "denis", "alice"]
    chain = []
    for k, name in enumerate(who):
        extra = {"parent_id": chain[-1]} if chain else {}
        chain.append(said(srv, people.session(name), slug, f"niveau {k}", **extra))
    page = recap(srv, people.session("alice"), slug).text
    root = dom(page)
    thread = root.one("ol", cls="thread")
    top = [li.attrs["id"] for li in thread.element_children("li")]
    assert top == [f"c{chain[0]}"]
    lis = {cid: root.one("li", id=f"c{cid}") for cid in chain}

    def parent_item(li):
        return next(a for a in li.ancestors() if a.tag == "li")

    # levels 1 and 2: nested, each in its parent's ol.replies
    for k in (1, 2):
        li = lis[chain[k]]
        assert li.classes == ["comment-item"]
        assert li.parent.tag == "ol" and "replies" in li.parent.classes
        assert parent_item(li) is lis[chain[k - 1]]
        assert li.element_children("article")[0].find_all("a", cls="in-reply-to") == []
    # deeper: flat, side by side under the last nested level
    for k in (3, 4):
        li = lis[chain[k]]
        assert "flat" in li.classes and "comment-item" in li.classes, li.classes
        assert parent_item(li) is lis[chain[2]]
        assert li.one("span", cls="author").text() == who[k]
    assert lis[chain[3]].parent is lis[chain[4]].parent
    assert heading(page) == "5 réflexions"
    # each flat one says whom it answers (README: "each saying 'in reply to NAME'"),
    # the one under the third level as well as the one under another flat one
    for k in (4, 3):
        answer = lis[chain[k]].element_children("article")[0].one("a", cls="in-reply-to")
        assert answer.text() == f"en réponse à {who[k - 1]}"
        assert answer.attrs["href"] == f"#c{chain[k - 1]}"


def test_the_two_orders(srv, people, event):
    slug = event()
    a = said(srv, people.session("alice"), slug, "premier")
    b = said(srv, people.session("bruno"), slug, "deuxième")
    c = said(srv, people.session("chloe"), slug, "troisième")
    r1 = said(srv, people.session("denis"), slug, "réponse 1", parent_id=a)
    r2 = said(srv, people.session("bruno"), slug, "réponse 2", parent_id=a)

    def order(query):
        page = recap(srv, None, slug, query).text
        sec = section(page)
        links = [x.attrs["href"] for x in sec.one("p", cls="order").find_all("a")]
        assert links == [f"/e/{slug}/recap?order=oldest#comments",
                         f"/e/{slug}/recap?order=newest#comments"]
        thread = sec.one("ol", cls="thread")
        top = [li.attrs["id"][1:] for li in thread.element_children("li")]
        replies = [li.attrs["id"][1:] for li in
                   dom(page).one("li", id=f"c{a}").one("ol", cls="replies").element_children("li")]
        return top, replies

    assert order("") == ([a, b, c], [r1, r2])
    assert order("?order=oldest") == ([a, b, c], [r1, r2])
    assert order("?order=newest") == ([c, b, a], [r1, r2])  # replies stay oldest first


def test_a_deleted_comment_keeps_its_replies(srv, people, event):
    slug = event()
    alice, bruno = people.session("alice"), people.session("bruno")
    first = said(srv, alice, slug, "bientôt supprimé")
    answer = said(srv, bruno, slug, "je réponds", parent_id=first)
    page = recap(srv, alice, slug).text
    form = item(page, first).element_children("article")[0].one("form", cls="delete")
    assert form.attrs["action"] == f"/e/{slug}/comments/{first}/delete"
    fields = form_of(page, f"/e/{slug}/comments/{first}/delete")
    r = alice.post(srv.url(f"/e/{slug}/comments/{first}/delete"), data=fields,
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"].startswith(f"/e/{slug}/recap"), r.text
    for s in (alice, None):
        page = recap(srv, s, slug).text
        li = item(page, first)
        article = li.element_children("article")[0]
        assert article.classes == ["comment", "deleted"]
        assert article.text().strip() == DELETED
        assert "bientôt supprimé" not in page
        assert article.find_all("span", cls="author") == []
        assert li.one("ol", cls="replies").one("li", id=f"c{answer}")
        assert "je réponds" in item(page, answer).text()
        assert heading(page) == "1 réflexion"
    assert [x[2] for x in stored(srv, slug)] == ["deleted", "approved"]


# ---- likes ----

def test_liking_a_comment_without_javascript(srv, people, event):
    slug = event()
    alice, bruno = people.session("alice"), people.session("bruno")
    cid = said(srv, alice, slug, "à aimer")
    action = f"/e/{slug}/comments/{cid}/like"
    page = recap(srv, bruno, slug).text
    form = item(page, cid).one("form", cls="like")
    assert form.attrs["method"] == "post" and form.attrs["action"] == action
    assert TOKEN.fullmatch(form.one("input", name="csrf").attrs["value"])
    assert form.one("button").text() == "J’aime"
    assert likes_of(page, action) == (0, "false", "1")
    r = bruno.post(srv.url(action), data=form_of(page, action), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/e/{slug}/recap#c{cid}", r.text
    page = recap(srv, bruno, slug).text
    assert likes_of(page, action) == (1, "true", "0")
    assert dom(page).one("form", cls="like", action=action).one("button").text() == "Vous aimez"
    # the author sees the count, not pressed
    assert likes_of(recap(srv, alice, slug).text, action) == (1, "false", "1")
    # liking twice counts once
    r = bruno.post(srv.url(action), data=dict(form_of(page, action), like="1"),
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303
    assert likes_of(recap(srv, bruno, slug).text, action)[0] == 1
    # like=0 takes it back
    r = bruno.post(srv.url(action), data=form_of(page, action), allow_redirects=False, timeout=10)
    assert r.status_code == 303
    assert likes_of(recap(srv, bruno, slug).text, action) == (0, "false", "1")
    assert db(srv, "SELECT likes FROM comments WHERE id = ?", int(cid)) == [(0,)]


def test_liking_a_comment_as_the_script_does(srv, people, event):
    slug = event()
    alice, chloe = people.session("alice"), people.session("chloe")
    cid = said(srv, alice, slug, "à aimer en JSON")
    action = f"/e/{slug}/comments/{cid}/like"
    fields = form_of(recap(srv, chloe, slug).text, action)
    r = chloe.post(srv.url(action), data=dict(fields, like="1"),
                   headers={"Accept": "application/json"}, allow_redirects=False, timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"id": cid, "likes": 1, "liked": True}
    r = chloe.post(srv.url(action), data=dict(fields, like="0"),
                   headers={"Accept": "application/json"}, allow_redirects=False, timeout=10)
    assert r.status_code == 200 and r.json() == {"id": cid, "likes": 0, "liked": False}


def test_likes_need_a_session_and_its_token(srv, people, event):
    slug = event()
    alice, bruno = people.session("alice"), people.session("bruno")
    cid = said(srv, alice, slug, "à ne pas aimer de force")
    action = f"/e/{slug}/comments/{cid}/like"
    # an anonymous reader sees the count and a link to sign in
    page = recap(srv, None, slug).text
    li = item(page, cid)
    assert li.find_all("form", cls="like") == []
    link = li.one("a", cls="like")
    assert link.attrs["href"].startswith("/login?next=")
    assert link.one("span", cls="likes-count").text() == "0"
    # forms without the session's token, or without a session
    good = form_of(recap(srv, bruno, slug).text, action)
    for data in ({"like": "1"}, dict(good, csrf="B" * 43), dict(good, csrf="")):
        r = bruno.post(srv.url(action), data=data, allow_redirects=False, timeout=10)
        assert r.status_code == 403, (data, r.text[:2000])
        assert "CSRF" in r.text
    g = guest(srv, slug)
    r = g.post(srv.url(action), data={"csrf": g.cookies["gz_guest"], "like": "1"},
               allow_redirects=False, timeout=10)
    assert r.status_code == 403, r.text[:2000]
    r = requests.post(srv.url(action), data=good, allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert db(srv, "SELECT likes FROM comments WHERE id = ?", int(cid)) == [(0,)]
    assert db(srv, "SELECT count(*) FROM comment_likes WHERE comment_id = ?", int(cid)) == [(0,)]


def test_liking_a_post_of_the_recap(srv, people, event):
    slug = event()
    [post] = requests.get(srv.url(f"/api/v1/events/{slug}/posts"), timeout=10).json()
    pid = post["id"]
    action = f"/posts/{pid}/like"
    bruno = people.session("bruno")
    page = recap(srv, bruno, slug).text
    post_item = dom(page).one("li", id=f"p{pid}")
    assert post_item.one("form", cls="like").attrs["action"] == action
    assert likes_of(page, action) == (0, "false", "1")
    r = bruno.post(srv.url(action), data=form_of(page, action), allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    assert r.headers["Location"].startswith(f"/e/{slug}/recap"), r.headers["Location"]
    assert likes_of(recap(srv, bruno, slug).text, action) == (1, "true", "0")
    link = dom(recap(srv, None, slug).text).one("li", id=f"p{pid}").one("a", cls="like")
    assert link.attrs["href"].startswith("/login?next=")
    assert link.one("span", cls="likes-count").text() == "1"
    r = bruno.post(srv.url(action), data=dict(form_of(page, action), like="0"),
                   headers={"Accept": "application/json"}, allow_redirects=False, timeout=10)
    assert r.status_code == 200 and r.json() == {"id": pid, "likes": 0, "liked": False}, r.text
    r = bruno.post(srv.url(action), data={"like": "1"}, allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert likes_of(recap(srv, bruno, slug).text, action) == (0, "false", "1")


# ---- guests ----

def test_a_guests_comment_waits_for_an_editor(srv, people, event):
    slug = event("guests")
    g = requests.Session()
    r = recap(srv, g, slug)
    lines = [x for x in set_cookies(r) if x.startswith("gz_guest=")]
    assert len(lines) == 1, set_cookies(r)
    attrs = [a.strip() for a in lines[0].split(";")[1:]]
    assert "HttpOnly" in attrs and "SameSite=Lax" in attrs and "Path=/" in attrs, attrs
    token = g.cookies["gz_guest"]
    assert TOKEN.fullmatch(token)
    form = dom(r.text).one("form", id="comment-form")
    assert form.one("input", name="csrf").attrs["value"] == token
    assert form.one("input", name="name") and form.one("input", name="email")
    assert form.one("div", cls="hp").one("input", name="website")
    # the same browser keeps its cookie
    assert comment_form_fields(recap(srv, g, slug).text, slug)["csrf"] == token

    r = say(srv, g, slug, "Une réflexion d’invitée.", name="Gisèle",
            email="gisele@example.org")
    assert r.status_code == 303, r.text[:3000]
    assert r.headers["Location"] == f"/e/{slug}/recap?comment=pending#comments"
    page = recap(srv, g, slug, "?comment=pending").text
    notice = section(page).one("p", cls="notice")
    assert notice.text() == PENDING
    assert "Une réflexion d’invitée." not in page and heading(page) == "Réflexions"
    [(cid, _, state, _)] = stored(srv, slug)
    assert state == "pending"
    assert "Une réflexion d’invitée." not in recap(srv, None, slug).text
    assert "Une réflexion d’invitée." not in recap(srv, people.session("bruno"), slug).text

    # the editor's moderation page lists it, with its actions
    edith = people.session("edith")
    r = edith.get(srv.url(f"/e/{slug}/moderate"), timeout=10)
    assert r.status_code == 200, r.text[:2000]
    mod = dom(r.text).one("section", cls="moderation-comments", id="comments")
    assert "Une réflexion d’invitée." in mod.text() and "Gisèle" in mod.text()
    action = f"/e/{slug}/comments/{cid}/moderate"
    form = mod.one("form", action=action)
    assert form.attrs["method"] == "post"
    assert TOKEN.fullmatch(form.one("input", name="csrf").attrs["value"])
    buttons = {b.attrs.get("value") for b in form.find_all("button", name="action")}
    assert {"approve", "spam", "delete", "ban-address"} <= buttons, buttons
    # a member neither sees the page nor moderates
    bruno = people.session("bruno")
    assert bruno.get(srv.url(f"/e/{slug}/moderate"), timeout=10).status_code == 403
    bruno_csrf = comment_form_fields(recap(srv, bruno, slug).text, slug)["csrf"]
    r = bruno.post(srv.url(action), data={"csrf": bruno_csrf, "action": "approve"},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403
    r = edith.post(srv.url(action), data={"csrf": "B" * 43, "action": "approve"},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert stored(srv, slug)[0][2] == "pending"

    r = edith.post(srv.url(action),
                   data={"csrf": form.one("input", name="csrf").attrs["value"],
                         "action": "approve"},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text[:2000]
    assert stored(srv, slug)[0][2] == "approved"
    page = recap(srv, None, slug).text
    li = item(page, cid)
    assert li is not None, page
    assert li.one("span", cls="author").text() == "Gisèle"
    assert li.one("span", cls="badge").text() == "invité"
    assert li.one("svg", cls="avatar")
    assert heading(page) == "1 réflexion"
    no_external_images(page)
    r = edith.get(srv.url(f"/e/{slug}/moderate"), timeout=10)
    assert "Une réflexion d’invitée." not in r.text


def test_a_known_guest_is_shown_at_once_and_may_edit_from_its_browser(srv, people, event):
    slug = event("guests")
    g = guest(srv, slug)
    r = say(srv, g, slug, "première", name="Hugo", email="hugo@example.org")
    assert r.status_code == 303 and "comment=pending" in r.headers["Location"]
    [(first, _, _, _)] = stored(srv, slug)
    edith = people.session("edith")
    page = edith.get(srv.url(f"/e/{slug}/moderate"), timeout=10).text
    action = f"/e/{slug}/comments/{first}/moderate"
    r = edith.post(srv.url(action), data=dict(form_of(page, action), action="approve"),
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303
    # the same email again: shown at once
    r = say(srv, g, slug, "deuxième", name="Hugo", email="Hugo@Example.org")
    assert r.status_code == 303, r.text[:2000]
    m = re.fullmatch(rf"/e/{slug}/recap#c(\d+)", r.headers["Location"])
    assert m, r.headers["Location"]
    second = m.group(1)
    page = recap(srv, g, slug).text
    assert heading(page) == "2 réflexions"
    edit = item(page, second).one("a", cls="edit")
    assert edit.attrs["href"] == f"/e/{slug}/recap?edit={second}#c{second}"
    # another guest's browser may not
    other = guest(srv, slug)
    assert item(recap(srv, other, slug).text, second).find_all("a", cls="edit") == []
    r = other.post(srv.url(f"/e/{slug}/comments/{second}/edit"),
                   data={"csrf": other.cookies["gz_guest"], "body": "usurpé"},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403, r.text[:2000]
    assert stored(srv, slug)[1][3] == "deuxième"
    page = recap(srv, g, slug, f"?edit={second}").text
    action = f"/e/{slug}/comments/{second}/edit"
    fields = form_of(page, action)
    assert fields["body"] == "deuxième"
    r = g.post(srv.url(action), data=dict(fields, body="deuxième, corrigée"),
               allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text[:2000]
    assert stored(srv, slug)[1][3] == "deuxième, corrigée"


def test_what_a_guest_gets_refused(srv, people, event):
    slug = event("guests")
    g = guest(srv, slug)
    # no name
    r = say(srv, g, slug, "sans nom", name="  ", email="x@example.org")
    root = refused(r, 422, NO_NAME)
    kept = typed(root)
    assert kept["body"] == "sans nom" and kept["email"] == "x@example.org"
    # a robot fills the hidden field
    r = say(srv, g, slug, "achetez", name="Robot", website="https://spam.example/")
    root = refused(r, 422, HONEYPOT)
    assert typed(root)["body"] == "achetez" and typed(root)["name"] == "Robot"
    # empty
    r = say(srv, g, slug, "", name="Iris")
    root = refused(r, 422, EMPTY)
    assert typed(root)["name"] == "Iris"
    # the CSRF token: missing, forged, or without its cookie
    fields = comment_form_fields(recap(srv, g, slug).text, slug)
    base = dict(fields, body="forgée", name="Forgeron")
    for data in ({k: v for k, v in base.items() if k != "csrf"}, dict(base, csrf="B" * 43),
                 dict(base, csrf="")):
        r = g.post(srv.url(f"/e/{slug}/comments"), data=data, allow_redirects=False, timeout=10)
        assert r.status_code == 403, (data, r.text[:2000])
        assert "CSRF" in r.text
    r = requests.post(srv.url(f"/e/{slug}/comments"), data=base, allow_redirects=False,
                      timeout=10)
    assert r.status_code == 403, r.text[:2000]
    assert stored(srv, slug) == []


def test_a_members_only_event_refuses_guests(srv, people, event):
    slug = event("members")
    g = guest(srv, slug)
    page = recap(srv, g, slug).text
    sec = section(page)
    assert sec.find_all("form", id="comment-form") == []
    assert sec.find_all("textarea") == []
    closed = sec.one("p", id="comment-form")
    link = closed.one("a")
    assert link.text() == MEMBERS and link.attrs["href"].startswith("/login?next=")
    data = {"csrf": g.cookies["gz_guest"], "parent_id": "", "name": "Jules", "email": "",
            "website": "", "body": "puis-je ?"}
    r = g.post(srv.url(f"/e/{slug}/comments"), data=data, allow_redirects=False, timeout=10)
    assert r.status_code == 401, r.text[:2000]
    assert MEMBERS in html.unescape(r.text)
    assert stored(srv, slug) == []


# ---- a member's refusals ----

def test_what_a_member_gets_refused(srv, people, event):
    slug = event()
    alice = people.session("alice")
    for body in ("", "   \r\n\t  "):
        root = refused(say(srv, alice, slug, body), 422, EMPTY)
        assert root.one("form", id="comment-form").find_all("input", name="name") == []
    long = "é" * 5001
    root = refused(say(srv, alice, slug, long), 422,
                   "la réflexion compte 5001 caractères, 5 000 au plus")
    assert typed(root)["body"] == long  # kept, to shorten
    r = say(srv, alice, slug, "oups", website="rempli")
    assert typed(refused(r, 422, HONEYPOT))["body"] == "oups"
    # the CSRF token: missing, forged, another session's
    fields = dict(comment_form_fields(recap(srv, alice, slug).text, slug), body="forgée")
    other = comment_form_fields(recap(srv, people.session("bruno"), slug).text, slug)["csrf"]
    for data in ({k: v for k, v in fields.items() if k != "csrf"}, dict(fields, csrf="B" * 43),
                 dict(fields, csrf=""), dict(fields, csrf=other)):
        r = alice.post(srv.url(f"/e/{slug}/comments"), data=data, allow_redirects=False,
                       timeout=10)
        assert r.status_code == 403, (data, r.text[:2000])
        assert "CSRF" in r.text
    assert stored(srv, slug) == []
    # exactly 5,000 characters is fine
    cid = said(srv, alice, slug, "é" * 5000)
    assert [x[0] for x in stored(srv, slug)] == [int(cid)]


def test_a_closed_event(srv, people, event):
    slug = event("closed")
    alice = people.session("alice")
    for s in (alice, requests.Session()):
        page = recap(srv, s, slug).text
        sec = section(page)
        assert sec.find_all("form", id="comment-form") == [] and sec.find_all("textarea") == []
        assert sec.one("p", id="comment-form").text() == CLOSED
    token = re.search(r'name="csrf" value="([A-Za-z0-9_-]{43})"',
                      recap(srv, alice, slug).text).group(1)
    r = alice.post(srv.url(f"/e/{slug}/comments"),
                   data={"csrf": token, "parent_id": "", "website": "", "body": "fermé ?"},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403, r.text[:2000]
    sec = section(r.text)
    assert CLOSED in sec.text()
    assert sec.find_all("form", id="comment-form") == [] and sec.find_all("textarea") == []
    assert stored(srv, slug) == []


def test_comments_until_a_past_date(srv, people, event):
    slug = event(comments_until="2020-01-01T00:00:00+00:00")
    alice = people.session("alice")
    page = recap(srv, alice, slug).text
    assert ENDED in section(page).text()
    assert section(page).find_all("textarea") == []
    token = re.search(r'name="csrf" value="([A-Za-z0-9_-]{43})"', page).group(1)
    r = alice.post(srv.url(f"/e/{slug}/comments"),
                   data={"csrf": token, "parent_id": "", "website": "", "body": "trop tard"},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403, r.text[:2000]
    assert ENDED in section(r.text).text()
    assert stored(srv, slug) == []
    # a date to come: open
    later = event(comments_until="2099-01-01T00:00:00+00:00")
    said(srv, alice, later, "à temps")


# ---- editing and deleting ----

def test_the_author_edits_within_fifteen_minutes(srv, people, event):
    slug = event()
    alice, bruno = people.session("alice"), people.session("bruno")
    cid = said(srv, alice, slug, "premier jet")
    page = recap(srv, alice, slug).text
    edit = item(page, cid).one("a", cls="edit")
    assert edit.attrs["href"] == f"/e/{slug}/recap?edit={cid}#c{cid}"
    assert item(recap(srv, bruno, slug).text, cid).find_all("a", cls="edit") == []
    assert item(recap(srv, None, slug).text, cid).find_all("a", cls="edit") == []
    page = recap(srv, alice, slug, f"?edit={cid}").text
    action = f"/e/{slug}/comments/{cid}/edit"
    form = item(page, cid).one("form", action=action)
    assert form.attrs["method"] == "post"
    assert form.one("textarea", name="body").text() == "premier jet"
    fields = form_of(page, action)
    # someone else: refused, unchanged
    bruno_csrf = comment_form_fields(recap(srv, bruno, slug).text, slug)["csrf"]
    not_author = bruno.post(srv.url(action), data={"csrf": bruno_csrf, "body": "détourné"},
                            allow_redirects=False, timeout=10)
    assert not_author.status_code == 403, not_author.text[:2000]
    # empty: refused, unchanged
    r = alice.post(srv.url(action), data=dict(fields, body=" "), allow_redirects=False,
                   timeout=10)
    assert r.status_code == 422, r.text[:2000]
    assert alerts(r.text) == [REFUSED + EMPTY]
    assert dom(r.text).one("form", action=action).one("textarea", name="body").text() == " "
    r = alice.post(srv.url(action), data=dict(fields, body="second jet", csrf="B" * 43),
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert stored(srv, slug)[0][3] == "premier jet"
    assert "modifié" not in item(recap(srv, None, slug).text, cid).text()
    r = alice.post(srv.url(action), data=dict(fields, body="second jet"), allow_redirects=False,
                   timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/e/{slug}/recap#c{cid}", r.text
    page = recap(srv, None, slug).text
    li = item(page, cid)
    assert li.one("div", cls="comment-body").text() == "second jet"
    assert li.one("span", cls="edited").text() == "(modifié)"
    assert stored(srv, slug)[0][3] == "second jet"
    # the refusal to the other member said why
    assert alerts(not_author.text) == [REFUSED + NOT_AUTHOR], alerts(not_author.text)


def test_after_fifteen_minutes_only_editors_delete(srv, people, event):
    slug = event()
    alice = people.session("alice")
    cid = said(srv, alice, slug, "ancien")
    page = recap(srv, alice, slug).text
    edit_fields = {"csrf": comment_form_fields(page, slug)["csrf"], "body": "trop tard"}
    old = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20))
    db(srv, "UPDATE comments SET created_at = ? WHERE id = ?",
       old.strftime("%Y-%m-%dT%H:%M:%SZ"), int(cid))
    li = item(recap(srv, alice, slug).text, cid)
    assert li.find_all("a", cls="edit") == [] and li.find_all("form", cls="delete") == []
    late_edit = alice.post(srv.url(f"/e/{slug}/comments/{cid}/edit"), data=edit_fields,
                           allow_redirects=False, timeout=10)
    assert late_edit.status_code == 403, late_edit.text[:2000]
    late_delete = alice.post(srv.url(f"/e/{slug}/comments/{cid}/delete"),
                             data={"csrf": edit_fields["csrf"]}, allow_redirects=False,
                             timeout=10)
    assert late_delete.status_code == 403, late_delete.text[:2000]
    assert stored(srv, slug)[0][2:] == ("approved", "ancien")
    # the event's editor still may
    edith = people.session("edith")
    page = recap(srv, edith, slug).text
    action = f"/e/{slug}/comments/{cid}/delete"
    assert item(page, cid).one("form", cls="delete").attrs["action"] == action
    r = edith.post(srv.url(action), data=form_of(page, action), allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text[:2000]
    assert r.headers["Location"].startswith(f"/e/{slug}/recap")
    assert item(recap(srv, None, slug).text, cid) is None
    assert stored(srv, slug)[0][2] == "deleted"
    # both refusals said why
    assert alerts(late_delete.text) == [REFUSED + TOO_LATE], alerts(late_delete.text)
    assert alerts(late_edit.text) == [REFUSED + TOO_LATE], alerts(late_edit.text)


def test_only_the_author_and_editors_delete(srv, people, event):
    slug = event()
    alice, bruno = people.session("alice"), people.session("bruno")
    cid = said(srv, alice, slug, "à garder")
    page = recap(srv, bruno, slug).text
    assert item(page, cid).find_all("form", cls="delete") == []
    r = bruno.post(srv.url(f"/e/{slug}/comments/{cid}/delete"),
                   data={"csrf": comment_form_fields(page, slug)["csrf"]},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403, r.text[:2000]
    assert alerts(r.text) == [REFUSED + NOT_AUTHOR]
    r = alice.post(srv.url(f"/e/{slug}/comments/{cid}/delete"), data={"csrf": "B" * 43},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert stored(srv, slug)[0][2] == "approved"


# ---- moderation ----

def moderate(server, s, slug, cid, action):
    page = s.get(server.url(f"/e/{slug}/moderate"), timeout=10).text
    token = re.search(r'name="csrf" value="([A-Za-z0-9_-]{43})"', page).group(1)
    return s.post(server.url(f"/e/{slug}/comments/{cid}/moderate"),
                  data={"csrf": token, "action": action}, allow_redirects=False, timeout=10)


def test_spam_and_delete_are_never_shown(srv, people, event):
    slug = event("guests")
    g = guest(srv, slug)
    assert say(srv, g, slug, "achetez mes pilules", name="Vendeur").status_code == 303
    assert say(srv, g, slug, "hors sujet", name="Bavard").status_code == 303
    (spam, _, _, _), (off, _, _, _) = stored(srv, slug)
    edith = people.session("edith")
    r = moderate(srv, edith, slug, spam, "spam")
    assert r.status_code == 303, r.text[:2000]
    assert r.headers["Location"] == f"/e/{slug}/moderate#comments"
    assert moderate(srv, edith, slug, off, "delete").status_code == 303
    assert [x[2] for x in stored(srv, slug)] == ["spam", "deleted"]
    for s in (None, edith):
        page = recap(srv, s, slug).text
        assert "achetez" not in page and "hors sujet" not in page
        assert item(page, spam) is None and item(page, off) is None
    page = edith.get(srv.url(f"/e/{slug}/moderate"), timeout=10).text
    assert "achetez" not in page and "hors sujet" not in page
    assert moderate(srv, edith, slug, spam, "bogus").status_code == 422


def test_a_ban_by_address(srv, people):
    slug = make_event(srv, people.editor_token, "banni-adresse", comment_policy="guests")
    g = guest(srv, slug)
    assert say(srv, g, slug, "provocation", name="Troll").status_code == 303
    [(cid, _, _, _)] = stored(srv, slug)
    edith = people.session("edith")
    r = moderate(srv, edith, slug, cid, "ban-address")
    assert r.status_code == 303, r.text[:2000]
    # every later comment from that address (all of ours) is refused here
    root = refused(say(srv, g, slug, "encore moi", name="Troll"), 403, BANNED)
    assert typed(root)["body"] == "encore moi"
    refused(say(srv, people.session("chloe"), slug, "moi aussi ?"), 403, BANNED)
    assert len(stored(srv, slug)) == 1
    # and only here
    other = make_event(srv, people.editor_token, "pas-banni", comment_policy="members")
    said(srv, people.session("chloe"), other, "ailleurs, oui")


def test_a_ban_by_account(srv, people):
    slug = make_event(srv, people.editor_token, "banni-compte", comment_policy="members")
    denis = people.session("denis")
    cid = said(srv, denis, slug, "une insulte")
    edith = people.session("edith")
    assert moderate(srv, edith, slug, cid, "ban-account").status_code == 303
    refused(say(srv, denis, slug, "pardon"), 403, BANNED)
    assert len(stored(srv, slug)) == 1
    said(srv, people.session("chloe"), slug, "moi je peux")


# ---- exports ----

def test_the_exports_hold_the_comments(srv, people, event):
    slug = event("guests")
    alice, bruno = people.session("alice"), people.session("bruno")
    a = said(srv, alice, slug, "Très belle soirée <b>vraiment</b>")
    b = said(srv, bruno, slug, "Tout à fait d’accord", parent_id=a)
    g = guest(srv, slug)
    assert say(srv, g, slug, "pas encore approuvée", name="Zoé").status_code == 303

    md = requests.get(srv.url(f"/e/{slug}/recap.md"), timeout=10)
    assert md.status_code == 200
    assert "## 2 réflexions" in md.text
    assert "**alice**" in md.text and "**bruno**" in md.text
    assert "Tout à fait d’accord" in md.text
    assert "pas encore approuvée" not in md.text

    standalone = requests.get(srv.url(f"/e/{slug}/recap.html"), timeout=10)
    assert standalone.status_code == 200
    root = dom(standalone.text)
    sec = root.one("section", cls="comments standalone")
    assert sec.find_all("form") == [] and root.find_all("form") == []
    assert sec.one("li", id=f"c{a}").one("li", id=f"c{b}")
    assert sec.element_children("h2")[0].text() == "2 réflexions"
    assert "pas encore approuvée" not in standalone.text
    no_external_images(standalone.text)

    for path in (f"/e/{slug}.json", f"/api/v1/events/{slug}"):
        r = requests.get(srv.url(path), timeout=10)
        assert r.status_code == 200, (path, r.text)
        comments = r.json()["comments"]
        assert [(c["id"], c["parent_id"], c["body"]) for c in comments] == [
            (a, None, "Très belle soirée <b>vraiment</b>"),
            (b, a, "Tout à fait d’accord")], path

    r = requests.get(srv.url(f"/e/{slug}/comments.atom"), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(r.content)
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 2
    contents = {e.find("a:author/a:name", ns).text: e.find("a:content", ns) for e in entries}
    assert set(contents) == {"alice", "bruno"}
    assert all(c.get("type") == "html" for c in contents.values())
    assert contents["alice"].text.strip() == (
        "<p>Très belle soirée &lt;b&gt;vraiment&lt;/b&gt;</p>")
    assert "<b>" not in r.text  # the body's HTML is escaped twice in the XML
    assert "pas encore approuvée" not in r.text


def test_the_event_form_has_the_comment_fields(srv, people, event):
    slug = event()
    edith = people.session("edith")
    r = edith.get(srv.url(f"/e/{slug}/edit"), timeout=10)
    assert r.status_code == 200, r.text[:2000]
    root = dom(r.text)
    select = root.one("select", name="comment_policy")
    values = [o.attrs.get("value") for o in select.find_all("option")]
    assert sorted(values) == ["closed", "guests", "members"], values
    assert [o.attrs.get("value") for o in select.find_all("option") if "selected" in o.attrs] == [
        "members"]
    assert root.one("input", name="comments_until")
    fields = form_of(r.text, f"/e/{slug}/edit")
    r = edith.post(srv.url(f"/e/{slug}/edit"), data=dict(fields, comment_policy="closed"),
                   allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.text[:2000]
    doc = requests.get(srv.url(f"/api/v1/events/{slug}"), timeout=10).json()
    assert doc["comment_policy"] == "closed"
    assert CLOSED in section(recap(srv, people.session("alice"), slug).text).text()


# ---- rate limits ----

@pytest.fixture
def limited(gazouillis_asan, tmp_path):
    s = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log",
               "--comments-per-address", "2", "--comments-per-account", "2")
    yield s
    finish(s)


def test_comments_are_rate_limited(limited):
    srv = limited
    p = People(srv)
    slug = make_event(srv, p.editor_token, "limite", comment_policy="guests")
    alice = p.session("alice")
    said(srv, alice, slug, "un")
    said(srv, alice, slug, "deux")
    r = say(srv, alice, slug, "trois")
    assert r.status_code == 429, r.text[:2000]
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 600
    root = refused(r, 429, f"trop de réflexions : réessayez dans {wait} secondes")
    assert typed(root)["body"] == "trois"
    # the same address as a guest, or as another member
    g = guest(srv, slug)
    r = say(srv, g, slug, "quatre", name="Invitée")
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 600, r.text[:2000]
    r = say(srv, p.session("bruno"), slug, "cinq")
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert [x[3] for x in stored(srv, slug)] == ["un", "deux"]
