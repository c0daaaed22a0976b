"""tests/e2e/test_66_reference_comments.py - the reference document's last
part, "2 réflexions", produced by gazouillis: the reader's comment (with the
poem he quotes, line by line) and the author's reply under it, each with its
"J'aime", on the recap page and in its Markdown, HTML and Atom exports; and
the same two comments written by readers through the pages rather than
imported: the guest's first comment waits, the author's reply is shown at
once, and the thread reads as the original.
"""
import html
import re

import requests

import reference


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def document(slug):
    reader, reply = reference.comments()
    doc = reference.event_document(slug)
    doc.update(state="published", comment_policy="guests")
    doc["comments"] = [
        {"id": "117000000000000001", "parent_id": None, "author": "Jean-Pierre",
         "account": None, "body": reader, "created_at": "2014-11-21T09:12:00-05:00",
         "likes": 0},
        {"id": "117000000000000002", "parent_id": "117000000000000001",
         "author": "eric", "account": "eric", "body": reply,
         "created_at": "2014-11-21T10:30:00-05:00", "likes": 0},
    ]
    return doc


def test_the_reference_comments_on_the_recap(server):
    token = server.user("eric", "editor")
    r = requests.post(server.url("/api/v1/events"), json=document("ref-comments"),
                      headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text
    page = requests.get(server.url("/e/ref-comments/recap"), timeout=10)
    assert page.status_code == 200
    text = page.text
    assert "<h2>2 réflexions</h2>" in text
    # the reply sits inside the reader's comment, in its list of replies
    first = text.index('id="c117000000000000001"')
    replies = text.index('<ol class="replies">', first)
    second = text.index('id="c117000000000000002"')
    assert first < replies < second
    # the quoted poem keeps its lines, as the original does
    assert "<br>dans cette ère compétitive et libérale" in html.unescape(text)
    assert html.unescape(text).count("Merci beaucoup, Jean-Pierre") == 1
    # each comment has its "J'aime" and count (a link to sign in for a reader)
    assert len(re.findall(r'<a class="like" href="/login\?next=[^"]+"', text)) >= 2
    # the Markdown and the standalone HTML carry them; the Atom feed too
    md = requests.get(server.url("/e/ref-comments/recap.md"), timeout=10).text
    assert "## 2 réflexions" in md
    assert "**Jean\\-Pierre**" in md or "**Jean-Pierre**" in md
    assert md.index("**Jean") < md.index("Merci beaucoup, Jean")
    standalone = requests.get(server.url("/e/ref-comments/recap.html"), timeout=10).text
    assert 'class="comments standalone"' in standalone and "<form" not in standalone
    assert "Merci beaucoup, Jean-Pierre" in html.unescape(standalone)
    atom = requests.get(server.url("/e/ref-comments/comments.atom"), timeout=10)
    assert atom.headers["Content-Type"].startswith("application/atom+xml")
    assert atom.text.count("<entry>") == 2


def test_the_same_thread_written_through_the_pages(server):
    token = server.user("eric2", "editor")
    doc = document("ref-live")
    doc["comments"] = []
    assert requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token),
                         timeout=10).status_code == 201
    reader, reply = reference.comments()

    # Jean-Pierre, a guest: his first comment waits for the editor
    guest = requests.Session()
    page = guest.get(server.url("/e/ref-live/recap"), timeout=10).text
    token_field = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert guest.cookies.get("gz_guest") == token_field
    r = guest.post(server.url("/e/ref-live/comments"),
                   data={"csrf": token_field, "body": reader, "name": "Jean-Pierre",
                         "email": "jp@example.org", "website": "", "parent_id": ""},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == "/e/ref-live/recap?comment=pending#comments"
    waiting = guest.get(server.url(r.headers["Location"]), timeout=10).text
    assert "sera publiée après approbation" in waiting
    assert "Véronique Côté" not in html.unescape(waiting)

    pending = requests.get(server.url("/api/v1/events/ref-live/comments?state=pending"),
                           headers=auth(token), timeout=10).json()
    assert [c["author"] for c in pending] == ["Jean-Pierre"]
    r = requests.post(server.url(f"/api/v1/events/ref-live/comments/{pending[0]['id']}/approve"),
                      headers=auth(token), timeout=10)
    assert r.status_code == 200 and r.json()["state"] == "approved"

    # the author replies; shown at once
    r = requests.post(server.url("/api/v1/events/ref-live/comments"),
                      json={"body": reply, "parent_id": pending[0]["id"]}, headers=auth(token),
                      timeout=10)
    assert r.status_code == 201 and r.json()["state"] == "approved", r.text
    thread = requests.get(server.url("/api/v1/events/ref-live/comments"), timeout=10).json()
    assert [(c["author"], c["parent_id"]) for c in thread] == [
        ("Jean-Pierre", None), ("eric2", pending[0]["id"])]
    assert thread[0]["body"] == reader
    recap = requests.get(server.url("/e/ref-live/recap"), timeout=10).text
    assert "<h2>2 réflexions</h2>" in recap

    # Jean-Pierre's next comment, with the same email, is shown at once
    r = guest.post(server.url("/e/ref-live/comments"),
                   data={"csrf": token_field, "body": "Merci à vous!", "name": "Jean-Pierre",
                         "email": "JP@example.org ", "website": ""},
                   allow_redirects=False, timeout=10)
    assert r.status_code == 303 and "#c" in r.headers["Location"], r.text
