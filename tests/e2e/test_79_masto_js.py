"""tests/e2e/test_79_masto_js.py - the streaming WebSocket as masto.js
uses it: the JavaScript library of the Elk and Phanpy web apps opens one
socket and sends a "subscribe" message per timeline it shows, then tells
each status's subscription by the name the server gives it ("stream":
["hashtag", "Innover"], as it asked). The script masto_js_stream.cjs
subscribes to a hashtag spelled with capitals, the local timeline and the
user's, posts through masto.js's REST client, ends one subscription, and
this test checks what each received - with the token in the socket's
Authorization header (Node) and in its URL (browsers).

It needs node and npm (not in scripts/install-deps.sh: the Mastodon.py,
toot and raw-socket tests cover the API without them) and installs masto
6.10.4 and ws from the npm registry into the build directory once; it is
skipped, saying why, where either is missing or the registry cannot be
reached.
"""
import json
import os
import shutil
import subprocess

import pytest

from conftest import Server

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES = ["masto@6.10.4", "ws@8.18.0"]


@pytest.fixture(scope="module")
def masto_js():
    """The directory holding node_modules/masto, installed once per build directory."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed (apt-get install nodejs npm)")
    prefix = os.path.join(os.path.dirname(os.environ["GAZOUILLIS_BIN"]), "npm-masto-js")
    if not os.path.exists(os.path.join(prefix, "node_modules", "masto", "package.json")):
        os.makedirs(prefix, exist_ok=True)
        try:
            r = subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
                                "--ignore-scripts", "--loglevel=error", *PACKAGES],
                               capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:
            pytest.skip("npm install of masto.js took over 3 minutes (no registry?)")
        if r.returncode != 0:
            pytest.skip(f"npm install of masto.js failed (no registry?): {r.stderr[-500:]}")
    return prefix


@pytest.fixture(scope="module")
def srv(gazouillis_asan, tmp_path_factory):
    base = tmp_path_factory.mktemp("mastojs")
    s = Server(gazouillis_asan, base / "data", base / "server.log")
    s.tok = s.token("admin")
    yield s
    assert s.stop() == 0
    log = s.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]


@pytest.mark.parametrize("token_in", ["header", "query"])
def test_masto_js_hears_each_subscription_on_one_socket(srv, masto_js, token_in):
    env = dict(os.environ, NODE_PATH=os.path.join(masto_js, "node_modules"))
    r = subprocess.run(["node", os.path.join(HERE, "masto_js_stream.cjs"), srv.url(""),
                        srv.tok, token_in], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout)
    got = out["got"]
    tagged, plain, after = out["tagged"], out["plain"], out["after"]
    # every subscription got its statuses, named as masto.js asked, nothing else
    assert got["tag"] == [
        {"event": "update", "stream": ["hashtag", "Innover"], "id": tagged},
        {"event": "update", "stream": ["hashtag", "Innover"], "id": after},
        {"event": "delete", "stream": ["hashtag", "Innover"], "id": after}], got
    assert got["local"] == [
        {"event": "update", "stream": ["public:local"], "id": tagged},
        {"event": "update", "stream": ["public:local"], "id": plain}], got  # then unsubscribed
    assert got["user"] == [
        {"event": "update", "stream": ["user"], "id": tagged},
        {"event": "update", "stream": ["user"], "id": plain},
        {"event": "update", "stream": ["user"], "id": after},
        {"event": "delete", "stream": ["user"], "id": after}], got
    # one socket for the three, upgraded
    log = srv.read_log()
    assert "GET /api/v1/streaming 101" in log, log[-2000:]
