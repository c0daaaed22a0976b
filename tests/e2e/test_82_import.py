"""tests/e2e/test_82_import.py - "gazouillis import FILE --event SLUG"
(issue 7, "Import"): the reference document's 51 messages as a plain list
(a "-" before each), their speakers found in their words, into an event
whose people have no aliases, and the same file again adding nothing; a
Twitter archive (data/tweets.js, written here) filtered by hashtag and
dates, its times kept; a Mastodon outbox (outbox.json) with its HTML
turned back into text, boosts left out; and malformed files refused with
a message, nothing half-imported.
"""
import json

import requests

import reference
from test_78_speaker_attribution import expected, got


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def new_event(server, slug, token, **fields):
    doc = reference.event_document(slug)
    doc["people"] = [dict(p, aliases=[]) for p in doc["people"]]
    doc.update(fields)
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text


def posts(server, slug):
    r = requests.get(server.url(f"/api/v1/events/{slug}/posts?limit=200"), timeout=10)
    return list(reversed(r.json()))


def test_the_reference_list_with_its_speakers(server, tmp_path):
    token = server.token("admin")
    new_event(server, "liste", token)
    path = tmp_path / "list.txt"
    messages = reference.messages()
    path.write_text("\n".join("-" + m for m in messages) + "\n\n", encoding="utf-8")
    r = server.cli("import", str(path), "--event", "liste")
    assert r.returncode == 0, r
    out = r.stdout.decode()
    assert "imported 51 of 51 messages into 'liste' (a list)" in out
    assert "1 over the event's limit of 140, kept as records" in out  # the one of 145
    stored = posts(server, "liste")
    assert [p["text"] for p in stored] == messages
    assert [(p["text"][:50], got(p)) for p in stored] == \
        [(m[:50], expected(m)) for m in messages]
    # again: nothing added, and it says why
    r = server.cli("import", str(path), "--event", "liste")
    assert r.returncode == 0 and "imported 0 of 51" in r.stdout.decode(), r
    assert "51 skipped: already in the event" in r.stdout.decode()
    assert len(posts(server, "liste")) == 51


def test_a_twitter_archive(server, tmp_path):
    token = server.token("admin")
    new_event(server, "archive", token, hashtag="innover")
    tweets = [
        ("Jacques Beaudet: il faut travailler ensemble #innover", "Thu Nov 20 23:02:11 +0000 2014"),
        ("Rien à voir avec la soirée #autre", "Thu Nov 20 23:05:00 +0000 2014"),
        ("Commentaire de l’assemblée: et nous ? #innover", "Thu Nov 20 23:10:00 +0000 2014"),
        ("Un autre jour #innover", "Sat Nov 22 15:00:00 +0000 2014"),
    ]
    body = "window.YTD.tweets.part0 = " + json.dumps(
        [{"tweet": {"id_str": str(100 + i), "full_text": t, "created_at": at}}
         for i, (t, at) in enumerate(tweets)], ensure_ascii=False)
    path = tmp_path / "tweets.js"
    path.write_text(body, encoding="utf-8")
    r = server.cli("import", str(path), "--event", "archive", "--since",
                   "2014-11-20T18:00:00-05:00", "--until", "2014-11-21T00:00:00-05:00")
    assert r.returncode == 0, r
    out = r.stdout.decode()
    assert "imported 2 of 4 messages into 'archive' (a Twitter archive)" in out
    assert "1 skipped: without #innover" in out and "1 skipped: outside --since/--until" in out
    stored = posts(server, "archive")
    assert [p["created_at"] for p in stored] == ["2014-11-20T23:02:11Z", "2014-11-20T23:10:00Z"]
    assert stored[0]["speaker"] == {"name": "Jacques Beaudet"}
    assert stored[1]["speaker"]["audience"] is True


def test_a_mastodon_outbox(server, tmp_path):
    token = server.token("admin")
    new_event(server, "outbox", token)
    outbox = {"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection",
              "orderedItems": [
                  {"type": "Create", "object": {
                      "type": "Note", "published": "2014-11-20T23:20:00Z",
                      "content": '<p>JP Bédard: un lieu de rassemblement &amp; de partage '
                                 '<a href="https://x.example/tags/innover" class="mention '
                                 'hashtag" rel="tag">#<span>innover</span></a></p>'}},
                  {"type": "Announce", "object": "https://x.example/statuses/1"},
                  {"type": "Create", "object": {
                      "type": "Note", "published": "2014-11-20T23:25:00.000Z",
                      "content": "<p>Première ligne<br>seconde ligne #innover</p>"}},
              ]}
    path = tmp_path / "outbox.json"
    path.write_text(json.dumps(outbox, ensure_ascii=False), encoding="utf-8")
    r = server.cli("import", str(path), "--event", "outbox")
    assert r.returncode == 0 and "imported 2 of 2 messages" in r.stdout.decode(), r
    stored = posts(server, "outbox")
    assert stored[0]["text"] == "JP Bédard: un lieu de rassemblement & de partage #innover"
    assert stored[0]["speaker"] == {"name": "Jean-Pierre Bédard"}
    assert stored[1]["text"] == "Première ligne\nseconde ligne #innover"
    assert stored[1]["created_at"] == "2014-11-20T23:25:00Z"


def test_malformed_files_import_nothing(server, tmp_path):
    token = server.token("admin")
    new_event(server, "malforme", token)
    cases = {
        "tweets.js": "window.YTD.tweets.part0 = [{\"tweet\": {\"full_text\": \"a #innover\"",
        "outbox.json": '{"orderedItems": [{"type": "Create", "object": {"type": "Note"}}]}',
        "bad.txt": b"une ligne\n\xff\xfe du binaire\n",
        "dates.js": 'window.YTD.tweets.part0 = [{"tweet": {"full_text": "x #innover", '
                    '"created_at": "hier soir"}}]',
    }
    for name, body in cases.items():
        path = tmp_path / name
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
        r = server.cli("import", str(path), "--event", "malforme")
        assert r.returncode != 0, (name, r)
        assert "nothing imported" in r.stderr, (name, r.stderr)
    assert posts(server, "malforme") == []
    r = server.cli("import", str(tmp_path / "bad.txt"), "--event", "nonexistent")
    assert r.returncode != 0


def test_the_upload_form_of_the_edit_page(server, tmp_path):
    import re
    from test_40_web_auth import admin
    token = server.token("admin")
    new_event(server, "formulaire", token)
    s = admin(server)
    page = s.get(server.url("/e/formulaire/edit"), timeout=10).text
    assert 'enctype="multipart/form-data"' in page and 'action="/e/formulaire/import"' in page
    csrf = re.search(r'action="/e/formulaire/import"><input type="hidden" name="csrf" '
                     r'value="([^"]+)"', page).group(1)
    body = "- JBeaudet: premier\n- SClaveau: second\n".encode()
    # a forged token: refused, nothing imported
    r = s.post(server.url("/e/formulaire/import"), files={"file": ("l.txt", body)},
               data={"csrf": "x" * 43}, timeout=10)
    assert r.status_code == 403 and posts(server, "formulaire") == []
    r = s.post(server.url("/e/formulaire/import"), files={"file": ("l.txt", body)},
               data={"csrf": csrf}, timeout=10)
    assert r.status_code == 200 and "2 messages importés sur 2" in r.text, r.text
    assert [p["speaker"] for p in posts(server, "formulaire")] == [
        {"name": "Jacques Beaudet"}, {"name": "Sonia Claveau"}]
    r = s.post(server.url("/e/formulaire/import"),
               files={"file": ("o.json", b'{"orderedItems": 3}')}, data={"csrf": csrf},
               timeout=10)
    assert r.status_code == 422 and "Rien n’a été importé" in r.text
    assert len(posts(server, "formulaire")) == 2
