"""tests/e2e/test_43_post_edit.py - changing and deleting a post from the
web pages (GET/POST /posts/:id/edit, POST /posts/:id/delete), as a
browser without JavaScript does: the event page shows the controls to the
post's author and the admins only, the forms go through the API's rules
(post_update(), post_delete()), and the event page shows the change at
once. Another editor, a member, a forged CSRF token and a text over the
limit change nothing.
"""
import html
import re

import pytest
import requests

from test_40_web_auth import admin, csrf_of, member_password, sign_in
from test_42_event_edit import form_of

SLUG = "post-edit"


def api_post(server, pid):
    return requests.get(server.url(f"/api/v1/posts/{pid}"), timeout=10)


def signed_in(server, name, role):
    s, r = sign_in(server, name, member_password(server, name, role))
    assert r.status_code == 303, r.text
    return s


@pytest.fixture(scope="module")
def alice(server):
    """alice, an editor, signed in; she creates the event, so she edits it."""
    alice = signed_in(server, "alice", "editor")
    token = server.token("alice")
    doc = {"slug": SLUG, "title": "Changer d’avis", "hashtag": "avis", "state": "live",
           "char_limit": 140,
           "people": [{"name": "Jacques Beaudet", "affiliation": "CDEC", "role": "panelist"}]}
    r = requests.post(server.url("/api/v1/events"), json=doc,
                      headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 201, r.text
    return alice


def post_as(server, s, text, speaker=""):
    page = s.get(server.url(f"/e/{SLUG}"), timeout=10).text
    r = s.post(server.url(f"/e/{SLUG}/posts"),
               data={"csrf": csrf_of(page), "text": text, "speaker": speaker},
               allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    [post] = requests.get(server.url(f"/api/v1/events/{SLUG}/posts?limit=1"), timeout=10).json()
    return post


def test_author_edits_and_deletes_through_the_forms(server, alice):
    post = post_as(server, alice, "Première version", "person:0")
    pid = post["id"]
    page = alice.get(server.url(f"/e/{SLUG}"), timeout=10).text
    # the controls: a link and a form with the token, no inline script
    assert f'href="/posts/{pid}/edit"' in page and "Modifier" in page
    assert f'action="/posts/{pid}/delete"' in page and "Supprimer" in page
    assert "<script>" not in page
    # nobody signed in sees no controls
    anon = requests.get(server.url(f"/e/{SLUG}"), timeout=10).text
    assert f"/posts/{pid}/edit" not in anon and f"/posts/{pid}/delete" not in anon

    r = alice.get(server.url(f"/posts/{pid}/edit"), timeout=10)
    assert r.status_code == 200, r.text
    fields = form_of(r.text, f"/posts/{pid}/edit")
    assert fields["text"] == "Première version #avis"
    assert fields["speaker"] == "person:0" and fields["csrf"]
    fields["text"] = "Seconde version"
    r = alice.post(server.url(f"/posts/{pid}/edit"), data=fields, allow_redirects=False,
                   timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/e/{SLUG}"
    got = api_post(server, pid).json()
    assert got["text"] == "Seconde version #avis"  # the event hashtag, as the API adds it
    assert got["speaker"] == {"name": "Jacques Beaudet"} and got["edited_at"]
    # at once, for everyone (the anonymous page is cached per change)
    assert "Seconde version" in requests.get(server.url(f"/e/{SLUG}"), timeout=10).text
    assert "Première version" not in requests.get(server.url(f"/e/{SLUG}"), timeout=10).text

    # a new speaker: the audience
    fields = form_of(alice.get(server.url(f"/posts/{pid}/edit"), timeout=10).text,
                     f"/posts/{pid}/edit")
    fields["speaker"] = "audience"
    r = alice.post(server.url(f"/posts/{pid}/edit"), data=fields, allow_redirects=False,
                   timeout=10)
    assert r.status_code == 303
    assert api_post(server, pid).json()["speaker"]["audience"] is True

    page = alice.get(server.url(f"/e/{SLUG}"), timeout=10).text
    r = alice.post(server.url(f"/posts/{pid}/delete"), data={"csrf": csrf_of(page)},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/e/{SLUG}"
    assert api_post(server, pid).status_code == 404
    assert "Seconde version" not in requests.get(server.url(f"/e/{SLUG}"), timeout=10).text


def test_an_admin_may_change_anyones_post(server, alice):
    s = admin(server)
    post = post_as(server, s, "De l’admin")
    token_alice = server.token("alice")
    r = requests.post(server.url(f"/api/v1/events/{SLUG}/posts"), json={"text": "D’alice"},
                      headers={"Authorization": f"Bearer {token_alice}"}, timeout=10)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    page = s.get(server.url(f"/e/{SLUG}"), timeout=10).text
    assert f'href="/posts/{pid}/edit"' in page and f'href="/posts/{post["id"]}/edit"' in page
    fields = form_of(s.get(server.url(f"/posts/{pid}/edit"), timeout=10).text,
                     f"/posts/{pid}/edit")
    fields["text"] = "D’alice, corrigé"
    r = s.post(server.url(f"/posts/{pid}/edit"), data=fields, allow_redirects=False, timeout=10)
    assert r.status_code == 303
    assert api_post(server, pid).json()["text"] == "D’alice, corrigé #avis"


def test_others_get_403_and_nothing_changes(server, alice):
    token_alice = server.token("alice")
    r = requests.post(server.url(f"/api/v1/events/{SLUG}/posts"), json={"text": "Intouchable"},
                      headers={"Authorization": f"Bearer {token_alice}"}, timeout=10)
    assert r.status_code == 201, r.text
    pid, before = r.json()["id"], r.json()
    for name, role in (("bob", "editor"), ("zoe", "member")):
        s = signed_in(server, name, role)
        page = s.get(server.url(f"/e/{SLUG}"), timeout=10).text
        assert f"/posts/{pid}/edit" not in page and f"/posts/{pid}/delete" not in page
        token = csrf_of(page)  # the logout form's: a valid token of this session
        r = s.get(server.url(f"/posts/{pid}/edit"), timeout=10)
        assert r.status_code == 403
        assert "Seuls son auteur" in html.unescape(r.text)
        r = s.post(server.url(f"/posts/{pid}/edit"),
                   data={"csrf": token, "text": f"pris par {name}", "speaker": ""},
                   allow_redirects=False, timeout=10)
        assert r.status_code == 403
        r = s.post(server.url(f"/posts/{pid}/delete"), data={"csrf": token},
                   allow_redirects=False, timeout=10)
        assert r.status_code == 403
        assert api_post(server, pid).json() == before
    # not signed in: to the sign-in form for the page, refused for the forms
    r = requests.get(server.url(f"/posts/{pid}/edit"), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/login?next=/posts/{pid}/edit"
    r = requests.post(server.url(f"/posts/{pid}/delete"), data={"csrf": "x"},
                      allow_redirects=False, timeout=10)
    assert r.status_code == 403
    assert api_post(server, pid).json() == before
    # a post that does not exist
    assert admin(server).get(server.url("/posts/999999/edit"), timeout=10).status_code == 404


def test_a_forged_csrf_token_changes_nothing(server, alice):
    s = admin(server)
    post = post_as(server, s, "Sous bonne garde")
    pid = post["id"]
    good = csrf_of(s.get(server.url(f"/posts/{pid}/edit"), timeout=10).text)
    for token in (None, "B" * 43, "", good[:-1]):
        data = {"text": "forgé", "speaker": ""}
        if token is not None:
            data["csrf"] = token
        r = s.post(server.url(f"/posts/{pid}/edit"), data=data, allow_redirects=False,
                   timeout=10)
        assert r.status_code == 403, (token, r.text)
        data = {} if token is None else {"csrf": token}
        r = s.post(server.url(f"/posts/{pid}/delete"), data=data, allow_redirects=False,
                   timeout=10)
        assert r.status_code == 403, (token, r.text)
    assert api_post(server, pid).json() == post


def test_a_text_over_the_limit_is_422_with_its_length(server, alice):
    s = admin(server)
    post = post_as(server, s, "Court")
    pid = post["id"]
    fields = form_of(s.get(server.url(f"/posts/{pid}/edit"), timeout=10).text,
                     f"/posts/{pid}/edit")
    text = "é" * 141
    fields["text"] = text
    r = s.post(server.url(f"/posts/{pid}/edit"), data=fields, allow_redirects=False, timeout=10)
    assert r.status_code == 422
    assert "Le message fait 141 caractères ; la limite est de 140." in r.text
    assert f">{text}</textarea>" in r.text  # kept
    assert 'name="force"' in r.text
    assert re.search(r'<span class="remaining">-1</span>', r.text)
    assert api_post(server, pid).json() == post
    # kept anyway, as the composer allows
    fields["force"] = "1"
    r = s.post(server.url(f"/posts/{pid}/edit"), data=fields, allow_redirects=False, timeout=10)
    assert r.status_code == 303
    assert api_post(server, pid).json()["text"] == text
