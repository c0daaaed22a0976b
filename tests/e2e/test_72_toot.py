"""tests/e2e/test_72_toot.py - gazouillis as the `toot` command-line
Mastodon client sees it, run as a person would run it: signing in with a
password (login_cli), whoami, the instance, posting (to the live event its
hashtag names, with the speaker its prefix names; over the event's limit,
refused with the reason shown), replying, the tag timeline, a thread,
favouriting, bookmarks, a profile's lists and who reblogged, uploading
an image and posting it, deleting; and a wrong
password that signs nobody in. Every run of toot has a home of its own,
so its configuration is the test's alone.
"""
import json
import os
import re
import struct
import subprocess
import types
import zlib

import pytest
import requests

ADDED = re.compile(r"with password: (\S+)")
POSTED = re.compile(r"Toot posted: (\S+)")


def auth(token):
    return {"Authorization": f"Bearer {token}"}


class Toot:
    """toot with HOME in a directory of its own (its config is ~/.config/toot)."""

    def __init__(self, home):
        self.home = str(home)
        os.makedirs(self.home, exist_ok=True)

    def __call__(self, *args, stdin=""):
        env = dict(os.environ, HOME=self.home, COLUMNS="120")
        env.pop("XDG_CONFIG_HOME", None)
        return subprocess.run(["toot", *args], input=stdin, capture_output=True, text=True,
                              env=env, timeout=30)

    def ok(self, *args, stdin=""):
        p = self(*args, stdin=stdin)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
        return p.stdout


def png(width=4, height=3, comment=None):
    """A small PNG, with a tEXt "Comment" chunk when asked."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + b"\x20\x80\xc0" * width for _ in range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                                             0, 0))
    if comment is not None:
        out += chunk(b"tEXt", b"Comment\x00" + comment)
    return out + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def status_id(stdout):
    """The id of the status a "Toot posted: URL" line names (…#pID)."""
    m = POSTED.search(stdout)
    assert m, stdout
    return m.group(1).rsplit("#p", 1)[1]


@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    """reporter, an editor signed in with toot, and the live event "cooperer" (#innover)."""
    r = server.cli("user", "add", "reporter", "--role", "editor")
    assert r.returncode == 0, r
    password = ADDED.search(r.stdout.decode()).group(1)
    native = server.token("reporter")
    doc = {"slug": "cooperer", "title": "T", "hashtag": "innover", "lang": "fr",
           "char_limit": 140, "state": "live",
           "people": [{"name": "Jacques Beaudet", "role": "panelist"}]}
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(native), timeout=10)
    assert r.status_code == 201, r.text
    toot = Toot(tmp_path_factory.mktemp("toot-home"))
    out = toot.ok("login_cli", "--instance", f"127.0.0.1:{server.port}", "--disable-https",
                  "--email", "reporter", stdin=password + "\n")
    assert "Successfully logged in" in out, out
    return types.SimpleNamespace(toot=toot, password=password, native=native, home=toot.home)


def status(server, sid):
    return requests.get(server.url(f"/api/v1/statuses/{sid}"), timeout=10)


def event_posts(server, slug="cooperer"):
    r = requests.get(server.url(f"/api/v1/events/{slug}/posts"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_login_cli_keeps_a_working_token(server, site):
    with open(os.path.join(site.home, ".config", "toot", "config.json")) as f:
        config = json.load(f)
    user = config["users"][config["active_user"]]
    assert user["username"] == "reporter"
    assert config["apps"][f"127.0.0.1:{server.port}"]["base_url"] == server.base
    r = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                     headers=auth(user["access_token"]), timeout=10)
    assert r.status_code == 200 and r.json()["username"] == "reporter"


def test_a_wrong_password_signs_nobody_in(server, site, tmp_path):
    toot = Toot(tmp_path / "home")
    p = toot("login_cli", "--instance", f"127.0.0.1:{server.port}", "--disable-https",
             "--email", "reporter", stdin="not-the-password\n")
    assert p.returncode != 0
    assert "Login failed" in p.stderr, (p.stdout, p.stderr)
    config = tmp_path / "home" / ".config" / "toot" / "config.json"
    if config.exists():
        assert not json.loads(config.read_text()).get("users"), config.read_text()
    # and a command needing an account says so (toot itself exits 0 there)
    p = toot("whoami")
    assert "requires that you are logged in" in p.stderr and "@reporter" not in p.stdout


def test_whoami_and_instance(server, site):
    out = site.toot.ok("whoami")
    assert "@reporter" in out and server.url("/@reporter") in out
    out = site.toot.ok("instance", f"127.0.0.1:{server.port}", "--disable-https")
    assert "gazouillis" in out
    assert re.search(r"4\.0\.0 \(compatible; gazouillis \d+\.\d+\.\d+\)", out), out


def test_a_post_with_the_events_hashtag_goes_to_the_event(server, site):
    text = "Jacques Beaudet: il faut travailler ensemble #innover"
    out = site.toot.ok("post", text)
    sid = status_id(out)
    assert POSTED.search(out).group(1) == server.url(f"/e/cooperer#p{sid}")
    mine = [p for p in event_posts(server) if p["id"] == sid]
    assert len(mine) == 1 and mine[0]["speaker"] == {"name": "Jacques Beaudet"}
    assert mine[0]["text"] == text
    out = site.toot.ok("timeline", "--tag", "innover")
    assert "il faut travailler ensemble" in out and f"ID {sid}" in out
    # over the event's limit of 140: toot shows why, nothing is stored
    before = len(event_posts(server))
    p = site.toot("post", "x" * 141 + " #innover")
    assert p.returncode != 0
    assert "the post is 150 characters, the limit is 140" in p.stderr, (p.stdout, p.stderr)
    assert "Toot posted" not in p.stdout
    assert len(event_posts(server)) == before


def test_a_post_without_the_tag_is_a_profile_post(server, site):
    out = site.toot.ok("post", "Sur mon profil #ailleurs")
    sid = status_id(out)
    assert POSTED.search(out).group(1) == server.url(f"/@reporter#p{sid}")
    assert all(p["id"] != sid for p in event_posts(server))
    out = site.toot.ok("timeline", "--tag", "ailleurs")
    assert "Sur mon profil" in out


def test_reply_thread_favourite_delete(server, site):
    root = status_id(site.toot.ok("post", "Question de départ #fil"))
    reply = status_id(site.toot.ok("post", "--reply-to", root, "Une réponse #fil"))
    assert status(server, reply).json()["in_reply_to_id"] == root
    out = site.toot.ok("thread", root)
    assert "Question de départ" in out and "Une réponse" in out
    assert out.index("Question de départ") < out.index("Une réponse")
    assert f"In reply to {root}" in out
    out = site.toot.ok("favourite", root)
    assert "Status favourited" in out
    assert status(server, root).json()["favourites_count"] == 1
    out = site.toot.ok("delete", root)
    assert "Status deleted" in out
    assert status(server, root).status_code == 404
    out = site.toot.ok("timeline", "--tag", "fil")
    assert "Question de départ" not in out and "Une réponse" in out
    # a status that is not there
    p = site.toot("favourite", root)
    assert p.returncode != 0 and "Record not found" in p.stderr, (p.stdout, p.stderr)


def test_bookmarks_search_and_a_profile(server, site):
    sid = status_id(site.toot.ok("post", "À garder pour plus tard #signet"))
    out = site.toot.ok("bookmark", sid)
    assert "bookmarked" in out.lower(), out
    assert "À garder pour plus tard" in site.toot.ok("bookmarks")
    site.toot.ok("unbookmark", sid)
    assert "À garder pour plus tard" not in site.toot.ok("bookmarks")
    # a profile's lists and who reblogged: empty or listed, never "not found"
    site.toot.ok("following", "reporter")
    site.toot.ok("followers", "reporter")
    site.toot.ok("reblog", sid)
    assert "reporter" in site.toot.ok("reblogged_by", sid)
    assert "#signet" in site.toot.ok("search", "signet")


def test_upload_and_post_an_image(server, site, tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes(png(comment=b"SECRET-LIEU"))
    out = site.toot.ok("upload", str(image), "--description", "Photo : gracieuseté de Luc Savard")
    m = re.search(r"Successfully uploaded media ID (\S+), type 'image'", out)
    assert m, out
    url = re.search(r"URL: (\S+)", out).group(1)
    r = requests.get(url, timeout=10)
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert b"SECRET" not in r.content
    out = site.toot.ok("post", "Avec une photo #photos", "--media", str(image),
                       "--description", "La salle comble")
    got = status(server, status_id(out)).json()
    assert [a["description"] for a in got["media_attachments"]] == ["La salle comble"]
    assert got["media_attachments"][0]["type"] == "image"
    # not an image: refused with the reason
    text = tmp_path / "notes.png"
    text.write_text("ceci n'est pas une image\n")
    p = site.toot("upload", str(text))
    assert p.returncode != 0 and "Successfully uploaded" not in p.stdout
    assert p.stderr.strip() and "Unknown error" not in p.stderr, (p.stdout, p.stderr)
