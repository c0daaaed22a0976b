"""tests/e2e/test_82_import.py - "gazouillis import FILE --event SLUG"
(issue 7, "Import"): the reference document's 51 messages as a plain list
(a "-" before each), their speakers found in their words, into an event
whose people have no aliases, and the same file again adding nothing; a
Twitter archive (data/tweets.js, written here) filtered by hashtag and
dates, its times kept; the archive's zip itself, as Twitter hands it out
(written here with zipfile: data/tweets.js, its extra parts, and files
that are not tweets), by the command and the upload form, the older
data/tweet.js under a leading folder, and damaged zips, zips without
tweets and zip bombs refused; a Mastodon outbox (outbox.json) with its
HTML turned back into text, boosts left out; and malformed files refused
with a message, nothing half-imported.
"""
import io
import json
import re
import struct
import zipfile

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


def test_a_long_report_shows_twenty_of_each_reason(server, tmp_path):
    """Thousands of messages over the limit must not bury the report: 20 of
    each reason by line, then how many more; --verbose lists every one."""
    token = server.token("admin")
    new_event(server, "rapport", token)
    path = tmp_path / "long.txt"
    lines = [f"Message {i} " + "x" * 150 for i in range(35)] + ["Court et juste"] * 2
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = server.cli("import", str(path), "--event", "rapport")
    assert r.returncode == 0, r
    out = r.stdout.decode().splitlines()
    assert out[0] == "imported 36 of 37 messages into 'rapport' (a list)"
    over = [line for line in out if line.endswith(": imported over the limit")]
    assert over == [f"  line {i}: imported over the limit" for i in range(1, 21)]
    assert "  … and 15 more lines: imported over the limit (--verbose lists them all)" in out
    assert "  line 37: already in the event" in out
    path2 = tmp_path / "long2.txt"
    path2.write_text("\n".join(f"Autre {i} " + "x" * 150 for i in range(35)) + "\n",
                     encoding="utf-8")
    r = server.cli("import", str(path2), "--event", "rapport", "--verbose")
    out = r.stdout.decode().splitlines()
    assert len([line for line in out if line.endswith(": imported over the limit")]) == 35
    assert not [line for line in out if "more lines" in line]


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


# ---- the archive's zip ----

# Two parts: part0's tweets first, then part1's; "item N" counts across both.
PART0 = [
    ("Jacques Beaudet: il faut travailler ensemble #innover", "Thu Nov 20 23:02:11 +0000 2014"),
    ("Rien à voir avec la soirée #autre", "Thu Nov 20 23:05:00 +0000 2014"),
    ("Commentaire de l’assemblée: et nous ? #innover", "Thu Nov 20 23:10:00 +0000 2014"),
]
PART1 = [
    ("Sonia Claveau: la suite au prochain épisode #innover", "Thu Nov 20 23:30:00 +0000 2014"),
    ("Un message sans mot-dièse", "Thu Nov 20 23:31:00 +0000 2014"),
    ("Dernier mot de la soirée #innover", "Fri Nov 21 01:15:42 +0000 2014"),
]
IMPORTED = [("Jacques Beaudet: il faut travailler ensemble #innover", "2014-11-20T23:02:11Z"),
            ("Commentaire de l’assemblée: et nous ? #innover", "2014-11-20T23:10:00Z"),
            ("Sonia Claveau: la suite au prochain épisode #innover", "2014-11-20T23:30:00Z"),
            ("Dernier mot de la soirée #innover", "2014-11-21T01:15:42Z")]


def tweets_js(tweets, part=0, first_id=100, var="tweets"):
    return f"window.YTD.{var}.part{part} = " + json.dumps(
        [{"tweet": {"id_str": str(first_id + i), "full_text": t, "created_at": at}}
         for i, (t, at) in enumerate(tweets)], ensure_ascii=False, indent=2)


class Stream(io.RawIOBase):
    """A file that cannot seek: zipfile then writes each entry's sizes after its
    data (a data descriptor), as Java's ZipOutputStream and other streamers do."""

    def __init__(self):
        super().__init__()
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def archive_zip(files, streamed=False):
    """A zip (deflated, as Twitter's) of {name: str or bytes}, in that order."""
    buf = Stream() if streamed else io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            with z.open(name, "w") as f:
                f.write(body if isinstance(body, bytes) else body.encode())
    return bytes(buf.data) if streamed else buf.getvalue()


def twitter_zip(folder="", part1=None):
    return archive_zip({
        f"{folder}Your archive.html": "<html><body>Your archive</body></html>",
        f"{folder}data/account.js": 'window.YTD.account.part0 = [{"account": {"username": "x"}}]',
        f"{folder}data/like.js": 'window.YTD.like.part0 = [{"like": {"tweetId": "1", '
                                 '"fullText": "Un tweet aimé #innover"}}]',
        f"{folder}data/tweets-part1.js": tweets_js(PART1, 1, 200) if part1 is None else part1,
        f"{folder}data/tweets_media/100-photo.jpg": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40,
        f"{folder}data/tweets.js": tweets_js(PART0),
    })


def stored(server, slug):
    return [(p["text"], p["created_at"]) for p in posts(server, slug)]


def test_a_twitter_archive_zip_by_the_command(server, tmp_path):
    token = server.token("admin")
    new_event(server, "archivezip", token, hashtag="innover")
    path = tmp_path / "twitter-2022-11-20-abc.zip"
    path.write_bytes(twitter_zip())
    r = server.cli("import", str(path), "--event", "archivezip")
    assert r.returncode == 0, r
    out = r.stdout.decode()
    assert "imported 4 of 6 messages into 'archivezip' (a Twitter archive zip)" in out, out
    assert "2 skipped: without #innover" in out
    # the places count across the parts: part1's second tweet is the fifth
    assert "item 2: without the event's hashtag" in out and \
        "item 5: without the event's hashtag" in out, out
    assert stored(server, "archivezip") == IMPORTED
    p = posts(server, "archivezip")
    assert p[0]["speaker"] == {"name": "Jacques Beaudet"}
    assert p[2]["speaker"] == {"name": "Sonia Claveau"}
    # again: nothing added
    r = server.cli("import", str(path), "--event", "archivezip")
    assert r.returncode == 0, r
    assert "imported 0 of 6" in r.stdout.decode() and \
        "4 skipped: already in the event" in r.stdout.decode(), r
    assert stored(server, "archivezip") == IMPORTED


def test_an_older_archive_zip_under_its_folder(server, tmp_path):
    """data/tweet.js (window.YTD.tweet.part0) and tweet-part1.js, in a folder,
    the zip written as a stream (sizes after the data)."""
    token = server.token("admin")
    new_event(server, "ancienne", token, hashtag="innover")
    path = tmp_path / "old.zip"
    path.write_bytes(archive_zip({
        "twitter-2019-05-01/data/tweet-part1.js": tweets_js(PART1, 1, 200, var="tweet"),
        "twitter-2019-05-01/data/tweet.js": tweets_js(PART0, var="tweet"),
        "twitter-2019-05-01/data/tweetdeck.js": "window.YTD.tweetdeck.part0 = []",
        "elsewhere/tweets.js": tweets_js([("Hors de data/ #innover", None)]),
    }, streamed=True))
    r = server.cli("import", str(path), "--event", "ancienne")
    assert r.returncode == 0 and "imported 4 of 6 messages" in r.stdout.decode(), r
    assert stored(server, "ancienne") == IMPORTED


def test_the_upload_form_takes_the_zip(server, tmp_path):
    from test_40_web_auth import admin
    token = server.token("admin")
    new_event(server, "zipweb", token, hashtag="innover")
    s = admin(server)
    page = s.get(server.url("/e/zipweb/edit"), timeout=10).text
    assert ".zip" in re.search(r'<input id="import-file"[^>]*>', page).group(0)
    csrf = re.search(r'action="/e/zipweb/import"><input type="hidden" name="csrf" '
                     r'value="([^"]+)"', page).group(1)
    body = twitter_zip(folder="twitter-2022-11-20-abc/")
    r = s.post(server.url("/e/zipweb/import"),
               files={"file": ("twitter.zip", body, "application/zip")}, data={"csrf": csrf},
               timeout=30)
    assert r.status_code == 200 and "4 messages importés sur 6" in r.text, r.text
    assert "élément 5 : without the event&#39;s hashtag" in r.text, r.text
    assert stored(server, "zipweb") == IMPORTED
    r = s.post(server.url("/e/zipweb/import"),
               files={"file": ("twitter.zip", body, "application/zip")}, data={"csrf": csrf},
               timeout=30)
    assert r.status_code == 200 and "0 messages importés sur 6" in r.text, r.text
    # a malformed part: refused, and named; part0's tweets not imported either
    new_event(server, "zipweb2", token, hashtag="innover")
    r = s.post(server.url("/e/zipweb2/import"),
               files={"file": ("t.zip", twitter_zip(part1="window.YTD.tweets.part1 = [{"))},
               data={"csrf": csrf}, timeout=30)
    assert r.status_code == 422 and "Rien n’a été importé" in r.text, r.text
    assert "data/tweets-part1.js: " in r.text, r.text
    assert posts(server, "zipweb2") == []


def with_size(blob, name, size):
    """The zip blob with name's uncompressed size declared as size (local and central)."""
    raw = name.encode()
    out = bytearray(blob)
    local = out.index(b"PK\x03\x04")
    while True:
        n, m = struct.unpack_from("<HH", out, local + 26)
        if out[local + 30:local + 30 + n] == raw:
            struct.pack_into("<I", out, local + 22, size)
            break
        local = out.index(b"PK\x03\x04", local + 30 + n + m)
    central = out.index(b"PK\x01\x02")
    while True:
        n, m, k = struct.unpack_from("<HHH", out, central + 28)
        if out[central + 46:central + 46 + n] == raw:
            struct.pack_into("<I", out, central + 24, size)
            return bytes(out)
        central = out.index(b"PK\x01\x02", central + 46 + n + m + k)


def test_zips_that_import_nothing(server, tmp_path):
    token = server.token("admin")
    new_event(server, "zipmalforme", token, hashtag="innover")
    good = twitter_zip()
    corrupt = bytearray(good)
    at = corrupt.index(b"data/tweets.js") + len("data/tweets.js") + 20  # inside its deflate
    corrupt[at:at + 16] = b"\x00" * 16
    bomb = archive_zip({"data/tweets.js": tweets_js(PART0) + " " * (257 << 20)})
    cases = {
        "truncated.zip": (good[:len(good) // 2], "the zip is damaged"),
        "corrupt.zip": (bytes(corrupt), "the zip is damaged: data/tweets.js: "),
        "empty.zip": (archive_zip({}), "the zip holds no data/tweets.js: is it a Twitter archive?"),
        "likes.zip": (archive_zip({"data/like.js": "window.YTD.like.part0 = []",
                                   "data/account.js": "window.YTD.account.part0 = []"}),
                      "the zip holds no data/tweets.js: is it a Twitter archive?"),
        "part1.zip": (twitter_zip(part1='window.YTD.tweets.part1 = [{"tweet": {"full_text": '),
                      "data/tweets-part1.js: the Twitter archive is not valid JSON"),
        "part1-dates.zip": (twitter_zip(part1=tweets_js([("x #innover", "hier soir")], 1)),
                            "data/tweets-part1.js: tweet 1 has an unreadable 'created_at'"),
        "bomb.zip": (bomb, "over 256 MiB once uncompressed"),
        "liar.zip": (with_size(good, "data/tweets.js", 100),
                     "data/tweets.js: longer than the 100 bytes the zip declares"),
        "short.zip": (with_size(good, "data/tweets.js", len(tweets_js(PART0).encode()) + 100),
                      "the zip is damaged: data/tweets.js: shorter than"),
        "twice.zip": (archive_zip({"a/data/tweets.js": tweets_js(PART0),
                                   "b/data/tweets.js": tweets_js(PART1)}),
                      "a second tweet file for part 0"),
    }
    assert len(bomb) < 2 << 20  # a bomb indeed
    for name, (body, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(body)
        r = server.cli("import", str(path), "--event", "zipmalforme")
        assert r.returncode != 0, (name, r)
        assert message in r.stderr and "nothing imported" in r.stderr, (name, r.stderr)
    assert posts(server, "zipmalforme") == []


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
