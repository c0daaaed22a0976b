"""tests/e2e/test_42_event_edit.py - the event's edit form (GET/POST
/e/:slug/edit) as a browser without JavaScript uses it: the form is read
back from the page (inputs, selects, textareas) and sent again, so every
field of the event document must survive the round trip; people and
organizations are added, changed and removed through their rows; a value
the document refuses, a member, a forged CSRF token change nothing; and
whatever HTML the fields hold is shown escaped.
"""
import html.parser
import re

import requests

from test_40_web_auth import admin, csrf_of, member_password, sign_in


class FormReader(html.parser.HTMLParser):
    """The fields of the first <form> whose action is given, as a browser would send them."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self.select = self.textarea = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("action") == self.action:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "checkbox"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[a["name"]] = a.get("value", "on")  # sent only when checked
        elif tag == "select":
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.fields.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            value = self.fields[self.textarea]
            if value.startswith("\n"):  # as browsers do, the newline after the tag is dropped
                value = value[1:]
            self.fields[self.textarea] = value
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.fields[self.textarea] += data


def form_of(page, action):
    reader = FormReader(action)
    reader.feed(page)
    assert reader.fields, page[:2000]
    return reader.fields


DOC = {
    "slug": "edit-me", "title": "Coopérer pour innover", "hashtag": "innover", "lang": "fr",
    "char_limit": 200, "starts_at": "2014-11-20T18:00:00-05:00",
    "ends_at": "2014-11-20T21:00:00-05:00", "timezone": "America/Montreal",
    "series": "Les midis", "venue": {"name": "La Nef", "address": "1 rue X, Québec",
                                     "url": "https://nef.example/"},
    "attendance": 40, "context": "Un *contexte*\n\n- un\n- deux",
    "disclaimer": "Propos rapportés.", "conclusion": "\nMerci **à tous**.",
    "signature": "Eric", "state": "live", "audience_posts": True, "moderation": False,
    "comment_policy": "guests", "comments_until": "2015-12-31T23:59:00-05:00",
    "people": [
        {"name": "Jacques Beaudet", "affiliation": "CDEC", "role": "panelist",
         "aliases": ["Jacques", "J. Beaudet"], "url": "https://jb.example/"},
        {"name": "Marie Tremblay", "affiliation": "Ville", "role": "moderator",
         "aliases": [], "url": None},
    ],
    "organizations": [{"kind": "sponsor", "name": "Caisse", "url": "https://caisse.example/"}],
}


def create(server, doc):
    token = server.token("admin")
    r = requests.post(server.url("/api/v1/events"), json=doc,
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 201, r.text


def api_doc(server, slug):
    r = requests.get(server.url(f"/api/v1/events/{slug}"),
                     headers={"Authorization": f"Bearer {server.token('admin')}"}, timeout=10)
    assert r.status_code == 200, r.text
    doc = r.json()
    doc.pop("posts"), doc.pop("comments")
    return doc


def edit_form(server, s, slug):
    r = s.get(server.url(f"/e/{slug}/edit"), timeout=10)
    assert r.status_code == 200, r.text
    return r.text, form_of(r.text, f"/e/{slug}/edit")


def save(server, s, slug, fields):
    return s.post(server.url(f"/e/{slug}/edit"), data=fields, allow_redirects=False, timeout=30)


def expected(doc):
    """A document as the API shows it back (absent people's fields are null, aliases [])."""
    out = dict(doc)
    out["people"] = [dict({"affiliation": "", "aliases": [], "url": None}, **p)
                     for p in doc["people"]]
    return out


def test_every_field_round_trips(server):
    create(server, DOC)
    before = api_doc(server, "edit-me")
    assert before == expected(DOC)
    s = admin(server)
    page = s.get(server.url("/e/edit-me"), timeout=10).text
    assert 'href="/e/edit-me/edit"' in page
    text, fields = edit_form(server, s, "edit-me")
    for i in range(5):  # two people and three empty rows
        assert f"people[{i}][name]" in fields
    assert "people[5][name]" not in fields
    assert fields["people[0][aliases]"] == "Jacques, J. Beaudet"
    assert fields["people[1][role]"] == "moderator"
    assert fields["organizations[0][kind]"] == "sponsor"
    r = save(server, s, "edit-me", fields)
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == "/e/edit-me"
    assert api_doc(server, "edit-me") == before


def test_every_field_changes(server):
    s = admin(server)
    _, fields = edit_form(server, s, "edit-me")
    new = {
        "slug": "edited", "title": "Innover ensemble", "hashtag": "ensemble", "lang": "en",
        "char_limit": "280", "starts_at": "2015-03-01T09:30:00+01:00",
        "ends_at": "2015-03-02T17:00:00+01:00", "timezone": "Europe/Paris",
        "series": "Mornings", "venue[name]": "Hall", "venue[address]": "2 Main St",
        "venue[url]": "https://hall.example/", "attendance": "120",
        "context": "New *context*", "disclaimer": "Reported words.",
        "conclusion": "Thanks.\n\nBye.", "signature": "E. B.", "state": "ended",
        "comment_policy": "closed", "comments_until": "",
    }
    assert fields["comment_policy"] == "guests"
    assert fields["comments_until"] == "2015-12-31T23:59:00-05:00"
    fields.update(new)
    # the audience no longer posts; what it would post would be moderated
    assert fields.pop("audience_posts") == "1" and "moderation" not in fields
    fields["moderation"] = "1"
    # remove Jacques, change Marie, add a person with aliases and an organization
    fields["people[0][name]"] = ""
    fields["people[1][affiliation]"] = "Ville de Québec"
    fields.update({"people[2][name]": "Luc Roy", "people[2][affiliation]": "UL",
                   "people[2][role]": "speaker", "people[2][aliases]": " Luc ,  L. Roy,, ",
                   "people[2][url]": "https://luc.example/"})
    fields.update({"organizations[1][kind]": "supplier", "organizations[1][name]": "Café",
                   "organizations[1][url]": ""})
    r = save(server, s, "edit-me", fields)
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == "/e/edited"
    doc = api_doc(server, "edited")
    assert doc == {
        "slug": "edited", "title": "Innover ensemble", "hashtag": "ensemble", "lang": "en",
        "char_limit": 280, "starts_at": "2015-03-01T09:30:00+01:00",
        "ends_at": "2015-03-02T17:00:00+01:00", "timezone": "Europe/Paris",
        "series": "Mornings",
        "venue": {"name": "Hall", "address": "2 Main St", "url": "https://hall.example/"},
        "attendance": 120, "context": "New *context*", "disclaimer": "Reported words.",
        "conclusion": "Thanks.\n\nBye.", "signature": "E. B.", "state": "ended",
        "audience_posts": False, "moderation": True,
        "comment_policy": "closed", "comments_until": None,
        "people": [
            {"name": "Marie Tremblay", "affiliation": "Ville de Québec", "role": "moderator",
             "aliases": [], "url": None},
            {"name": "Luc Roy", "affiliation": "UL", "role": "speaker",
             "aliases": ["Luc", "L. Roy"], "url": "https://luc.example/"},
        ],
        "organizations": [
            {"kind": "sponsor", "name": "Caisse", "url": "https://caisse.example/"},
            {"kind": "supplier", "name": "Café", "url": None},
        ],
    }
    assert requests.get(server.url("/e/edit-me"), timeout=10).status_code == 404
    page = requests.get(server.url("/e/edited/recap"), timeout=10).text
    assert "Luc Roy" in page and "Jacques Beaudet" not in page  # the cache was told
    # emptying the optional fields makes them null again
    _, fields = edit_form(server, s, "edited")
    for name in ("starts_at", "ends_at", "timezone", "series", "venue[name]", "venue[address]",
                 "venue[url]", "attendance", "context", "disclaimer", "conclusion", "signature"):
        fields[name] = ""
    assert save(server, s, "edited", fields).status_code == 303
    doc = api_doc(server, "edited")
    for key in ("starts_at", "ends_at", "timezone", "series", "venue", "attendance", "context",
                "disclaimer", "conclusion", "signature"):
        assert doc[key] is None, key


def test_a_bad_value_shows_the_form_again_and_changes_nothing(server):
    s = admin(server)
    before = api_doc(server, "edited")
    for change, words in (({"slug": "Bad Slug"}, "slug"),
                          ({"people[0][role]": "king"}, "people[0].role"),
                          ({"char_limit": "lots"}, "char_limit"),
                          ({"hashtag": ""}, "hashtag")):
        _, fields = edit_form(server, s, "edited")
        fields.update(change)
        r = save(server, s, "edited", fields)
        assert r.status_code == 422, (change, r.text)
        assert 'class="error"' in r.text and words in r.text, r.text
        again = form_of(r.text, "/e/edited/edit")
        for name, value in change.items():
            assert again[name] == value  # what was sent is shown again
        assert api_doc(server, "edited") == before


def test_a_taken_slug_is_a_409(server):
    create(server, dict(DOC, slug="other", people=[], organizations=[]))
    s = admin(server)
    before = api_doc(server, "edited")
    _, fields = edit_form(server, s, "edited")
    fields["slug"] = "other"
    r = save(server, s, "edited", fields)
    assert r.status_code == 409, r.text
    assert "other" in r.text and 'class="error"' in r.text
    assert api_doc(server, "edited") == before


def test_members_and_strangers_may_not_edit(server):
    before = api_doc(server, "edited")
    r = requests.get(server.url("/e/edited/edit"), allow_redirects=False, timeout=10)
    assert r.status_code == 303
    assert r.headers["Location"] == "/login?next=/e/edited/edit"
    s, r = sign_in(server, "mia", member_password(server, "mia"))
    assert r.status_code == 303
    assert "/e/edited/edit" not in s.get(server.url("/e/edited"), timeout=10).text
    assert s.get(server.url("/e/edited/edit"), timeout=10).status_code == 403
    token = csrf_of(s.get(server.url("/"), timeout=10).text)
    r = save(server, s, "edited", {"csrf": token, "slug": "edited", "title": "Mia's",
                                   "hashtag": "mia"})
    assert r.status_code == 403
    assert api_doc(server, "edited") == before


def test_a_forged_csrf_token_changes_nothing(server):
    s = admin(server)
    before = api_doc(server, "edited")
    _, fields = edit_form(server, s, "edited")
    fields["title"] = "Forgé"
    for token in ("A" * 43, "", None):
        data = dict(fields)
        if token is None:
            del data["csrf"]
        else:
            data["csrf"] = token
        r = save(server, s, "edited", data)
        assert r.status_code == 403, r.text
        assert "CSRF" in r.text
    assert api_doc(server, "edited") == before


def test_html_in_every_field_is_escaped(server):
    x = "<script>alert(1)</script>"
    doc = {
        "slug": "escaped", "title": f"T {x}", "hashtag": "escaped", "timezone": f"Z {x}",
        "series": f"S {x}", "venue": {"name": f"V {x}", "address": f"A {x}"},
        "context": f"C {x}", "disclaimer": f"D {x}", "conclusion": f"{x}",
        "signature": f"\"><{x}", "state": "live",
        "people": [{"name": f"P {x}", "affiliation": f"F {x}", "aliases": [f"{x}"]}],
        "organizations": [{"kind": "partner", "name": f"O {x}"}],
    }
    create(server, doc)
    s = admin(server)
    text, fields = edit_form(server, s, "escaped")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;" in text
    assert fields["signature"] == f"\"><{x}"
    assert fields["people[0][aliases]"] == x
    before = api_doc(server, "escaped")
    assert save(server, s, "escaped", fields).status_code == 303
    assert api_doc(server, "escaped") == before
    # a refused value shown again is escaped too
    fields["slug"] = f"{x}"
    r = save(server, s, "escaped", fields)
    assert r.status_code == 422
    assert "<script" not in r.text.lower()
    assert re.search(r'name="slug"[^>]*value="&lt;script&gt;', r.text), r.text
