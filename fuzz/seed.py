#!/usr/bin/python3
"""fuzz/seed.py - writes the seed corpora of the libFuzzer targets
(fuzz/corpus/TARGET/) from what the tests send, so that fuzzing starts from
inputs that reach deep into the server instead of from nothing:

  api       the JSON and form bodies the end-to-end tests post (read from
            tests/e2e/*.py with the ast module: literal json= and data=
            arguments of post/patch/put calls, matched to fuzz_api.c's
            endpoints), plus the Mastodon clients' requests the tests make
            through Mastodon.py and toot, written out here;
  document  the event documents the tests post to /api/v1/events, and the
            reference document (tests/e2e/reference.py) with its posts and
            comments;
  import    the reference list, and the Twitter archives (tweets.js and
            zips), outboxes and malformed files of tests/e2e/test_82_import.py,
            made by its own helpers;
  markdown  the Markdown fields of those documents, and the hostile cases
            of tests/unit/test_markdown.c (string literals);
  http      one request per route of src/*/routes.c, with the tests' query
            strings, cookies and forms, and multipart bodies as requests
            encodes them;
  image     the camera-like JPEG, PNG, GIF and WebP files of
            tests/unit/test_image.c, built the same way.

The text target's seeds are hand-made and left alone, and so are the
regress-* files of every directory: inputs that once failed, kept after the fix. Run it with
/usr/bin/python3 from the repository's root (make fuzz-seed); it replaces
the other directories and is deterministic, so its output is committed.
"""
import ast
import hashlib
import json
import os
import re
import struct
import sys
import urllib.parse
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
E2E = os.path.join(ROOT, "tests", "e2e")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
sys.path.insert(0, E2E)
os.environ.setdefault("GAZOUILLIS_SHARED", os.path.join(ROOT, "..", "shared"))

import reference  # noqa: E402  (tests/e2e)

MAX_SEED = 60000  # under the largest -max_len of fuzz/fuzz.mk


class Corpus:
    """A target's seeds, named after their content so that reruns agree. The
    files named regress-* are kept: the inputs of crashes found and fixed."""

    def __init__(self, target):
        self.dir = os.path.join(CORPUS, target)
        self.seen = set()
        os.makedirs(self.dir, exist_ok=True)
        for name in os.listdir(self.dir):
            if not name.startswith("regress-"):
                os.remove(os.path.join(self.dir, name))

    def add(self, data, hint="seed"):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > MAX_SEED or data in self.seen:
            return
        self.seen.add(data)
        name = re.sub(r"[^a-z0-9]+", "-", hint.lower()).strip("-")[:40] or "seed"
        with open(os.path.join(self.dir, f"{name}-{hashlib.sha1(data).hexdigest()[:10]}"),
                  "wb") as f:
            f.write(data)

    def __len__(self):
        return len(self.seen)


# ---- what the end-to-end tests send ----

def path_of(node):
    """The path of a call's first argument: "…", f"…", x.url("…") or x.url(f"…");
    formatted values become "X". None when it is something else."""
    if isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
    return None


def test_requests():
    """(method, path, kind, body) of every post/patch/put call of the tests
    whose body is a literal: kind "json" or "data"."""
    out = []
    for name in sorted(os.listdir(E2E)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(E2E, name), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                    node.func.attr in ("post", "patch", "put") and node.args):
                continue
            path = path_of(node.args[0])
            for kw in node.keywords:
                if kw.arg not in ("json", "data"):
                    continue
                try:
                    body = ast.literal_eval(kw.value)
                except (ValueError, SyntaxError, TypeError):
                    continue
                out.append((node.func.attr.upper(), path, kw.arg, body))
    return out


def literal_assignments(filename, names):
    """The literal values assigned to these names anywhere in a test file."""
    with open(os.path.join(E2E, filename), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in names for t in node.targets):
            try:
                found.append(ast.literal_eval(node.value))
            except (ValueError, SyntaxError, TypeError):
                pass
    return found


def c_strings(filename):
    """The string literals of a C test file (adjacent ones joined), decoded as C does."""
    with open(os.path.join(ROOT, filename), encoding="utf-8") as f:
        src = f.read()
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"(?:\s*"((?:[^"\\\n]|\\.)*)")*', src):
        pieces = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))
        raw = "".join(pieces)
        try:
            out.append(raw.encode("latin-1", "backslashreplace").decode("unicode_escape")
                       .encode("latin-1"))
        except (UnicodeDecodeError, UnicodeEncodeError):
            out.append(raw.encode("utf-8"))
    return out


def reference_document(exported=False):
    """The reference event with its posts and comments; exported: with the ids,
    times, authors and likes an export writes (DESIGN.md), a reply included."""
    doc = reference.event_document("cooperer-2014")
    doc["posts"] = [{"text": m + " #innover" if "#innover" not in m else m, "author": "admin",
                     "speaker": reference.speaker_of(m)} for m in reference.messages()]
    doc["comments"] = [{"author": "Jean-Pierre", "body": b} for b in reference.comments()]
    if exported:
        base = 117681215919554560
        for i, p in enumerate(doc["posts"]):
            p.update({"id": str(base + i), "created_at": f"2014-11-20T23:{i:02d}:11Z",
                      "author": "admin", "likes": i % 3})
        for i, c in enumerate(doc["comments"]):
            c.update({"id": str(base + 100 + i), "created_at": f"2014-11-21T10:0{i}:00Z",
                      "likes": 1, "parent_id": str(base + 100) if i else None})
    return doc


# ---- api ----

def endpoints():
    """fuzz_api.c's endpoints, in order: (method, path regex, kind)."""
    with open(os.path.join(ROOT, "fuzz", "fuzz_api.c"), encoding="utf-8") as f:
        src = f.read()
    table = src.split("endpoints[] = {", 1)[1].split("};", 1)[0]
    out = []
    for method, path, kind in re.findall(r'\{"(\w+)", "([^"]+)", (\w+)\}', table):
        rx = re.escape(path).replace(r"\$", "$")
        rx = re.sub(r"\$[a-z]", "[^/]+", rx)
        out.append((method, re.compile("^" + rx + "$"), kind))
    return out


MASTODON_BODIES = [
    # what Mastodon.py and toot send (tests/e2e/test_70_mastodon_py.py, test_72_toot.py)
    ("POST", "/api/v1/statuses", {"status": "Jacques Beaudet: il faut travailler ensemble "
                                            "#innover", "visibility": "public"}),
    ("POST", "/api/v1/statuses", {"status": "Une réponse", "in_reply_to_id": "$s",
                                  "media_ids[]": "$m", "sensitive": "false",
                                  "spoiler_text": "", "language": "fr"}),
    ("POST", "/api/v1/statuses", {"status": "Sondage", "poll[options][]": "oui",
                                  "poll[expires_in]": "300"}),
    ("PUT", "/api/v1/statuses/$s", {"status": "Corrigé #innover", "media_ids[]": "$m"}),
    ("POST", "/api/v1/apps", {"client_name": "toot", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                              "scopes": "read write follow",
                              "website": "https://toot.bezdomni.net"}),
    ("POST", "/oauth/token", {"grant_type": "authorization_code", "client_id": "$a",
                              "client_secret": "$k", "code": "$d",
                              "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"}),
    ("POST", "/oauth/token", {"grant_type": "client_credentials", "client_id": "$a",
                              "client_secret": "$k", "scope": "read"}),
    ("POST", "/oauth/token", {"grant_type": "password", "client_id": "$a", "client_secret": "$k",
                              "username": "admin", "password": "wrong", "scope": "read write"}),
    ("POST", "/oauth/revoke", {"client_id": "$a", "client_secret": "$k", "token": "x"}),
    ("PUT", "/api/v1/media/$m", {"description": "Le panel, vu de la salle", "focus": "0.0,0.5"}),
    ("POST", "/api/v1/markers", {"home[last_read_id]": "$s"}),
    ("POST", "/api/v1/statuses/$s/favourite", {}),
    # Tusky's and Mastodon.py's "edit profile"
    ("PATCH", "/api/v1/accounts/update_credentials",
     {"display_name": "Marie Tremblay (CDÉC)", "note": "Coordonnatrice.\nhttps://example.org",
      "locked": "false", "bot": "false", "fields_attributes[0][name]": "Site"}),
    ("POST", "/api/v1/notifications/dismiss", {"id": "$s"}),
    ("POST", "/api/v1/statuses", {"status": "Plus tard #innover",
                                  "scheduled_at": "2030-01-01T19:05:00.000Z"}),
    ("PUT", "/api/v1/scheduled_statuses/$s", {"scheduled_at": "2031-11-20T14:05:00-05:00"}),
]


def masto_encode(body, variant):
    if variant == 0:
        return json.dumps(body, ensure_ascii=False)
    if variant == 1:
        return urllib.parse.urlencode(body)
    parts = "".join(f'--fzB\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                    for k, v in body.items())
    return parts + "--fzB--\r\n"


def seed_api():
    c = Corpus("api")
    eps = endpoints()

    def index(method, path):
        for i, (m, rx, kind) in enumerate(eps):
            if m == method and path is not None and rx.match(path.split("?")[0]):
                return i, kind
        return None, None

    for method, path, kind, body in test_requests():
        i, ep_kind = index(method, path)
        if i is None:
            continue
        if ep_kind == "FORM" and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k != "csrf"}
            text = urllib.parse.urlencode(body, doseq=True)
        elif kind == "json":
            text = json.dumps(body, ensure_ascii=False)
        elif isinstance(body, dict):
            text = urllib.parse.urlencode(body, doseq=True)
        else:
            continue
        for who in (0, 1, 3):
            c.add(bytes([i, who]) + text.encode(), f"{method}-{path}")
    for method, path, body in MASTODON_BODIES:
        i, _ = index(method, path.replace("$s", "1").replace("$m", "1"))
        for variant in (0, 1, 2):
            c.add(bytes([i, variant << 3]) + masto_encode(body, variant).encode(),
                  f"{method}-{path}")
    # the media upload's file, and the edit page's import file
    up, _ = index("POST", "/api/v2/media")
    for name, data in images():
        c.add(bytes([up, 0]) + data, f"upload-{name}")
    imp, _ = index("POST", "/e/x/import")
    for name, data in import_files()[:6]:
        c.add(bytes([imp, 0]) + data, f"import-{name}")
    # the queries of the searches and lists
    for path, query in [("/search", "q=cooperer"), ("/api/v2/search", "q=innover&type=hashtags"),
                        ("/api/v2/search", "q=%40admin&resolve=true"),
                        ("/api/v1/events/x/posts", "limit=2&max_id=999999999999999999"),
                        ("/api/v1/timelines/public", "local=true&limit=40&since_id=1"),
                        ("/api/v1/accounts/lookup", "acct=admin"),
                        ("/oauth/authorize", "client_id=$a&response_type=code&scope=read+write"
                                             "&redirect_uri=urn:ietf:wg:oauth:2.0:oob"),
                        ("/e/x/recap", "lang=en")]:
        i, _ = index("GET", path)
        c.add(bytes([i, 0]) + query.encode(), f"get-{path}")
        c.add(bytes([i, 4]) + query.encode(), f"get-{path}")
    return c


# ---- document ----

def documents():
    docs = [reference_document(), reference_document(exported=True),
            reference.event_document("sans-posts")]
    small = reference.event_document("petite")
    del small["people"], small["organizations"]
    for variant in ({"state": "draft"}, {"state": "published", "comment_policy": "guests"},
                    {"audience_posts": True, "moderation": True}, {"char_limit": 280},
                    {"comments_until": "2014-12-01T00:00:00Z", "comment_policy": "members"}):
        docs.append({**small, **variant})
    for method, path, kind, body in test_requests():
        if method == "POST" and path == "/api/v1/events" and kind == "json" and \
                isinstance(body, dict):
            docs.append(body)
    return docs


def seed_document():
    c = Corpus("document")
    for doc in documents():
        c.add(json.dumps(doc, ensure_ascii=False), f"doc-{doc.get('slug', 'x')}")
    # the raw tag the pages must escape, in every text field of a small document
    tag = "<x-fz onload=alert(1)>"
    c.add(json.dumps({"slug": "xss", "title": tag, "hashtag": "innover", "context": tag,
                      "disclaimer": tag, "conclusion": tag, "signature": tag, "series": tag,
                      "venue": {"name": tag, "address": tag,
                                "url": "https://example.org/?q=%3Cx-fz%3E"},
                      "people": [{"name": tag, "affiliation": tag, "role": "panelist",
                                  "aliases": [tag]}],
                      "organizations": [{"kind": "sponsor", "name": tag}],
                      "posts": [{"text": tag + " #innover", "author": "admin",
                                 "speaker": {"name": tag}}],
                      "comments": [{"author": tag, "body": tag}]}), "xss")
    return c


# ---- import ----

def import_files():
    import test_82_import as t82  # the tests' own archive writers

    files = [("reference-list", "\n".join("-" + m for m in reference.messages()) + "\n")]
    files.append(("tweets-js", t82.tweets_js(t82.PART0)))
    files.append(("tweet-part1-js", t82.tweets_js(t82.PART1, 1, 200, var="tweet")))
    files.append(("twitter-zip", t82.twitter_zip()))
    files.append(("twitter-zip-folder", t82.twitter_zip(folder="twitter-2022-11-20-abc/")))
    files.append(("streamed-zip", t82.archive_zip({"twitter-2019-05-01/data/tweet.js":
                                                   t82.tweets_js(t82.PART0, var="tweet")},
                                                  streamed=True)))
    for outbox in literal_assignments("test_82_import.py", {"outbox"}):
        files.append(("outbox", json.dumps(outbox, ensure_ascii=False)))
    for cases in literal_assignments("test_82_import.py", {"cases"}):
        if isinstance(cases, dict):
            for name, body in cases.items():
                files.append((name, body))
    return [(n, d if isinstance(d, bytes) else d.encode("utf-8")) for n, d in files]


def seed_import():
    c = Corpus("import")
    for name, data in import_files():
        c.add(data, name)
    return c


# ---- markdown ----

def seed_markdown():
    c = Corpus("markdown")
    for doc in documents():
        for field in ("context", "disclaimer", "conclusion"):
            if isinstance(doc.get(field), str):
                c.add(doc[field], field)
    for s in c_strings("tests/unit/test_markdown.c"):
        if len(s) > 3:
            c.add(s, "unit")
    for s in ["[a](javascript:alert(1))", "[a](JaVaScRiPt&#58;alert(1))", "![i](data:image/png;"
              "base64,AAAA)", "![i](data:text/html,<script>)", "<script>alert(1)</script>",
              "[a](<vbscript:x>)", "<a href=\"javascript:x\">a</a>", "``` js\ncode\n```",
              "1. un\n2. deux\n\n> cité\n\n---\n\n# Titre", "[a]: file:///etc/passwd\n\n[a]"]:
        c.add(s, "hostile")
    return c


# ---- http ----

def route_table():
    routes = []
    for f in ("src/api/routes.c", "src/masto/routes.c", "src/web/routes.c"):
        with open(os.path.join(ROOT, f), encoding="utf-8") as fh:
            routes += re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)", "([^"]+)"', fh.read())
    return routes


def multipart(fields, files):
    """A body as requests encodes files= and data= (tests/e2e), with its type."""
    import requests
    req = requests.Request("POST", "http://127.0.0.1/", data=fields, files=files).prepare()
    return req.body, req.headers["Content-Type"]


def seed_http():
    c = Corpus("http")
    cookie = "gz_session=" + "A" * 43 + "; gz_csrf=" + "B" * 43
    queries = ["", "q=cooperer", "limit=20&max_id=1", "since=12", "theme=light", "a=%41%42+c&&d"]
    for method, pattern in route_table():
        path = re.sub(r":[a-z_]+", "cooperer-2014", pattern).replace("*", "gazouillis.css")
        for q in queries[:2] if method == "GET" else queries[:1]:
            c.add("\1".join([method, path, q, cookie, "", ""]), f"{method}-{pattern}")
    c.add("\1".join(["HEAD", "/e/x/recap", "", "", "", ""]), "head")
    c.add("\1".join(["PATCH", "/healthz", "", "", "", ""]), "405")
    for method, path, kind, body in test_requests():
        if kind == "data" and isinstance(body, dict) and path is not None:
            c.add("\1".join([method, path, "", cookie, "application/x-www-form-urlencoded",
                             urllib.parse.urlencode(body, doseq=True)]), "form")
    for name, data in images()[:2]:
        body, ctype = multipart({"description": "Le panel"}, {"file": (f"a.{name}", data)})
        c.add(b"\1".join([b"POST", b"/api/v2/media", b"", b"", ctype.encode(), body]), "upload")
    body, ctype = multipart({"csrf": "B" * 43}, {"file": ("t.js", import_files()[1][1])})
    c.add(b"\1".join([b"POST", b"/e/x/import", b"", cookie.encode(), ctype.encode(), body]),
          "import")
    c.add("\1".join(["POST", "/api/v1/media", "", "", 'multipart/form-data; boundary="a b"',
                     '--a b\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\''
                     '%C3%A9t%C3%A9.png\n\nxx\n--a b--\n']), "lf-quoted")
    # a WebSocket client's frames on a stream (the query's bytes cut them in pieces)
    def ws(first, payload, mask=b"\x37\xfa\x21\x3d"):
        n = len(payload)
        head = bytes([first]) + (bytes([0x80 | n]) if n < 126 else
                                 bytes([0x80 | 126]) + struct.pack(">H", n))
        return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    frames = (ws(0x89, b"ping") + ws(0x81, b'{"type":"subscribe","stream":"hashtag","tag":"x"}') +
              ws(0x8A, b"") + ws(0x02, b"x" * 300) + ws(0x80, b"y") + ws(0x88, b"\x03\xe8bye"))
    c.add(b"\1".join([b"GET", b"/api/v1/streaming", b"\x03\x07\x01", b"", b"", frames]),
          "websocket")
    return c


# ---- image ----

def be32(v):
    return struct.pack(">I", v)


def jpeg(w, h):
    def seg(marker, body):
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    dqt = b"\0" + b"\1" * 64
    sof = bytes([8, h >> 8, h & 0xFF, w >> 8, w & 0xFF, 1, 1, 0x11, 0])
    return (b"\xFF\xD8" + seg(0xE0, b"JFIF\0\1\1\0\0\1\0\1\0\0") +
            seg(0xE1, b"Exif\0\0MM\0*GPS-SECRET 48.8584N 2.2945E") +
            seg(0xFE, b"camera serial 1234") + seg(0xE2, b"ICC_PROFILE\0\1\1fake profile") +
            seg(0xEE, b"Adobe\0\x64\0\0\0\0\1") + seg(0xDB, dqt) + seg(0xC0, sof) +
            seg(0xC4, bytes([0] + [0, 1] + [0] * 14 + [0])) +
            seg(0xDA, bytes([1, 1, 0, 0, 0x3F, 0])) + bytes([0x12, 0x34, 0xFF, 0, 0x56, 0xFF,
                                                            0xD0, 0x78]) +
            b"\xFF\xD9" + b"GPS-SECRET after EOI")


def png(w, h):
    def chunk(t, d):
        return be32(len(d)) + t + d + be32(zlib.crc32(t + d))
    rows = bytes([0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 9, 9, 9, 255, 255, 255])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", be32(w) + be32(h) + bytes([8, 2, 0, 0, 0])) +
            chunk(b"tEXt", b"Comment\0SECRET") + chunk(b"gAMA", b"\0\0\xb1\x8f") +
            chunk(b"eXIf", b"MM\0*GPS-SECRET") + chunk(b"pHYs", b"\0\0\x0b\x13\0\0\x0b\x13\1") +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"prVt", b"serial 1234") +
            chunk(b"IEND", b"") + b"SECRET")


def gif(w, h):
    return (b"GIF89a" + struct.pack("<HH", w, h) + bytes([0x80, 0, 0, 255, 255, 255, 0, 0, 0]) +
            b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00" + b"\x21\xfe\x06SECRET\x00" +
            b"\x21\xff\x0bXMP DataXMP\x0aGPS-SECRET\x00" + bytes([0x21, 0xF9, 4, 1, 0, 0, 0, 0]) +
            bytes([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0]) + b";serial")


def webp(w, h):
    def chunk(t, d):
        return t + struct.pack("<I", len(d)) + d + (b"\0" if len(d) & 1 else b"")
    vp8x = bytes([0x1C, 0, 0, 0]) + struct.pack("<I", w - 1)[:3] + struct.pack("<I", h - 1)[:3]
    body = (b"WEBP" + chunk(b"VP8X", vp8x) +
            chunk(b"VP8L", bytes([0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe,
                                  0x07])) +
            chunk(b"EXIF", b"Exif\0\0GPS-SECRET") + chunk(b"XMP ", b"<x:xmpmeta>SECRET</x:xmpmeta>")
            + chunk(b"ABCD", b"serial"))
    return b"RIFF" + struct.pack("<I", len(body)) + body


def images():
    return [("jpg", jpeg(3, 2)), ("png", png(3, 2)), ("gif", gif(3, 2)), ("webp", webp(3, 2)),
            ("jpg-wide", jpeg(16384, 1)), ("png-big", png(16385, 1))]


def seed_image():
    c = Corpus("image")
    for name, data in images():
        c.add(data, name)
    return c


def main():
    os.chdir(ROOT)
    # the same bytes at every run: zip entries get a fixed time, multipart bodies a fixed boundary
    import unittest.mock
    import urllib3.filepost
    unittest.mock.patch("time.time", return_value=1416524400.0).start()
    unittest.mock.patch.object(urllib3.filepost, "choose_boundary",
                               return_value="fuzzboundary2014").start()
    for target, make in [("api", seed_api), ("document", seed_document), ("import", seed_import),
                         ("markdown", seed_markdown), ("http", seed_http),
                         ("image", seed_image)]:
        print(f"fuzz/corpus/{target}: {len(make())} seeds")


if __name__ == "__main__":
    main()
