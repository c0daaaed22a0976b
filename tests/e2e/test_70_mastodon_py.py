"""tests/e2e/test_70_mastodon_py.py - the Mastodon client API as a Mastodon
app sees it, through Mastodon.py (the library of Mastodon scripts and bots)
and, where the exact bytes matter, through requests and a socket.

The instance (v1, v2, nodeinfo); apps; every way to a token (password,
authorization code through the consent page, with and without PKCE, to the
out-of-band URI and to a redirect, client credentials) and revocation;
scopes enforced; accounts; statuses (fields, idempotency, limits, replies,
edits, deletion, favourites, reblogs); the routing of a status that names a
live event's hashtag into the event (speaker, the event's own limit, who may
post); timelines newest first with Link pagination as Mastodon.py walks it;
drafts and private statuses kept out of sight; media (metadata stripped,
refusals); search, notifications and markers; the streaming API. Every
refusal says why, with Mastodon's status and {"error": …}, and stores nothing.
"""
import base64
import hashlib
import html
import json
import queue
import re
import secrets
import socket
import sqlite3
import struct
import time
import types
import urllib.parse
import zlib

import pytest
import requests
from mastodon import (Mastodon, MastodonAPIError, MastodonIllegalArgumentError,
                      MastodonNotFoundError, MastodonUnauthorizedError, StreamListener)

OOB = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK = "http://127.0.0.1:9/cb"
APP_NAME = "Tests de gazouillis"
SCOPES = ["read", "write", "follow"]
ADDED = re.compile(r"with password: (\S+)")
LOGIN_CSRF = re.compile(r'action="/login"><input type="hidden" name="csrf" value="([^"]*)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
CODE = re.compile(r'<input class="oauth-code" readonly value="([^"]+)"')
MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
VERSION = re.compile(r"^4\.0\.0 \(compatible; gazouillis \d+\.\d+\.\d+\)$")


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def add_user(server, name, role="member"):
    """Creates an account with the CLI; returns its password."""
    r = server.cli("user", "add", name, "--role", role)
    assert r.returncode == 0, r
    return ADDED.search(r.stdout.decode()).group(1)


def db_count(server, sql, *params):
    with sqlite3.connect(f"{server.data}/gazouillis.db") as db:
        return db.execute(sql, params).fetchone()[0]


def posts_stored(server):
    return db_count(server, "SELECT count(*) FROM posts")


def client(server, keys, token=None):
    """A Mastodon.py client of the test app (no waiting on rate limits: an error instead)."""
    return Mastodon(client_id=keys[0], client_secret=keys[1], access_token=token,
                    api_base_url=server.base, request_timeout=10, ratelimit_method="throw")


def refused(exc, status, *words):
    """A Mastodon.py API error of this status whose message has every word."""
    assert exc.value.args[1] == status, exc.value.args
    for w in words:
        assert w in (exc.value.args[3] or ""), exc.value.args


def event_posts(server, slug):
    r = requests.get(server.url(f"/api/v1/events/{slug}/posts"), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def make_event(server, token, slug, hashtag, **fields):
    doc = {"slug": slug, "title": "T", "hashtag": hashtag, "lang": "fr", "char_limit": 140,
           "state": "live", "people": [{"name": "Jacques Beaudet", "role": "panelist"}]}
    doc.update(fields)
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text


@pytest.fixture(scope="module")
def keys(server):
    """The test app, registered the way Mastodon.py does it (a form), with two redirect URIs."""
    return Mastodon.create_app(APP_NAME, scopes=["read", "write", "follow", "push"],
                               redirect_uris=[OOB, CALLBACK], website="https://example.org/",
                               api_base_url=server.base, request_timeout=10)


@pytest.fixture(scope="module")
def people(server, keys):
    """ed, an editor who made the live event "cooperer" (#innover); mia, a member; both
    signed in with Mastodon.py by password."""
    ns = types.SimpleNamespace()
    ns.ed_password = add_user(server, "ed", "editor")
    ns.mia_password = add_user(server, "mia", "member")
    ns.ed_native = server.token("ed")
    make_event(server, ns.ed_native, "cooperer", "innover")
    ns.ed = client(server, keys)
    ns.ed.log_in("ed", ns.ed_password, scopes=SCOPES)
    ns.mia = client(server, keys)
    ns.mia.log_in("mia", ns.mia_password, scopes=SCOPES)
    return ns


# ---- the instance ----

def test_instance_v1_v2_and_nodeinfo(server):
    base = server.base
    ws = "ws://" + base.split("://", 1)[1]
    for path in ("/api/v1/instance", "/api/v1/instance/"):
        r = requests.get(server.url(path), timeout=10)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        v1 = r.json()
        assert VERSION.match(v1["version"]), v1["version"]
        assert v1["urls"]["streaming_api"] == ws
        assert v1["configuration"]["statuses"]["max_characters"] == 500
        assert v1["max_toot_chars"] == 500
        assert v1["uri"] == base.split("://", 1)[1]
    v2 = requests.get(server.url("/api/v2/instance"), timeout=10).json()
    assert VERSION.match(v2["version"])
    assert v2["configuration"]["urls"]["streaming"] == ws
    assert v2["configuration"]["statuses"]["max_characters"] == 500
    links = requests.get(server.url("/.well-known/nodeinfo"), timeout=10).json()["links"]
    assert links[0]["href"] == base + "/nodeinfo/2.0"
    assert "nodeinfo" in links[0]["rel"]
    info = requests.get(links[0]["href"], timeout=10).json()
    assert info["software"]["name"] == "gazouillis"
    assert info["software"]["version"] in v1["version"]
    # and as Mastodon.py reads them: it takes the server for a Mastodon 4.0.0
    m = Mastodon(api_base_url=base, request_timeout=10)
    assert m.retrieve_mastodon_version() == "4.0.0"
    assert m.instance()["title"] == v1["title"]
    assert m.instance_nodeinfo()["software"]["name"] == "gazouillis"


# ---- apps and tokens ----

def test_apps_register_as_form_or_json_and_bad_ones_are_refused(server, keys):
    client_id, secret = keys
    assert client_id and secret and client_id != secret
    r = requests.post(server.url("/api/v1/apps"), timeout=10,
                      json={"client_name": "Appli JSON", "redirect_uris": OOB,
                            "scopes": "read write:statuses"})
    assert r.status_code == 200, r.text
    app = r.json()
    assert app["name"] == "Appli JSON" and app["client_id"] and app["client_secret"]
    assert app["redirect_uri"] == OOB
    before = db_count(server, "SELECT count(*) FROM oauth_apps")
    r = requests.post(server.url("/api/v1/apps"), data={"redirect_uris": OOB}, timeout=10)
    assert r.status_code == 422 and "name" in r.json()["error"]
    r = requests.post(server.url("/api/v1/apps"), timeout=10,
                      data={"client_name": "X", "redirect_uris": OOB, "scopes": "read fly"})
    assert r.status_code == 422 and "Scopes" in r.json()["error"]
    r = requests.post(server.url("/api/v1/apps"), timeout=10,
                      json={"client_name": "X", "redirect_uris": "javascript:alert(1)"})
    assert r.status_code == 422 and "Redirect URI" in r.json()["error"]
    assert db_count(server, "SELECT count(*) FROM oauth_apps") == before


def test_password_login_grants_the_scopes_asked_and_a_wrong_password_nothing(server, keys,
                                                                           people):
    m = client(server, keys)
    token = m.log_in("mia", people.mia_password, scopes=["read", "write"])
    assert m.account_verify_credentials()["username"] == "mia"
    r = requests.post(server.url("/oauth/token"), timeout=10,
                      data={"grant_type": "password", "client_id": keys[0],
                            "client_secret": keys[1], "username": "mia",
                            "password": people.mia_password, "scope": "read write follow"})
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "read write follow" and r.json()["token_type"] == "Bearer"
    assert r.json()["access_token"] != token
    # a wrong password: Mastodon.py says so, the server answers 400 invalid_grant
    tokens = db_count(server, "SELECT count(*) FROM tokens")
    with pytest.raises(MastodonIllegalArgumentError):
        client(server, keys).log_in("mia", "not-her-password", scopes=["read"])
    r = requests.post(server.url("/oauth/token"), timeout=10,
                      data={"grant_type": "password", "client_id": keys[0],
                            "client_secret": keys[1], "username": "mia",
                            "password": "not-her-password", "scope": "read"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert "access_token" not in r.json()
    # a wrong client secret: 401 invalid_client
    r = requests.post(server.url("/oauth/token"), timeout=10,
                      data={"grant_type": "password", "client_id": keys[0],
                            "client_secret": "nope", "username": "mia",
                            "password": people.mia_password})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # a scope the app did not register
    r = requests.post(server.url("/oauth/token"), timeout=10,
                      data={"grant_type": "password", "client_id": keys[0],
                            "client_secret": keys[1], "username": "mia",
                            "password": people.mia_password, "scope": "admin:read"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    assert db_count(server, "SELECT count(*) FROM tokens") == tokens


# the consent page, as a person's browser sees it

def sign_in(server, username, password, session=None, next_path=None):
    """A requests.Session signed in to the pages; the POST /login answer too."""
    s = session or requests.Session()
    r = s.get(server.url("/login" + (f"?next={urllib.parse.quote(next_path, safe='')}"
                                     if next_path else "")), timeout=10)
    assert r.status_code == 200, r.text
    form = {"csrf": LOGIN_CSRF.search(r.text).group(1), "username": username,
            "password": password}
    if next_path:
        form["next"] = next_path
    r = s.post(server.url("/login"), data=form, allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    return s, r


def consent(s, url):
    """The consent page of an authorize URL: its HTML and the form's hidden fields."""
    r = s.get(url, allow_redirects=False, timeout=10)
    assert r.status_code == 200, r.text
    assert 'action="/oauth/authorize"' in r.text
    assert 'name="decision" value="allow"' in r.text and 'name="decision" value="deny"' in r.text
    return r.text, {k: html.unescape(v) for k, v in HIDDEN.findall(r.text)}


def decide(server, s, fields, decision="allow"):
    return s.post(server.url("/oauth/authorize"), data={**fields, "decision": decision},
                  allow_redirects=False, timeout=10)


def authorize_url(server, keys, redirect=OOB, scope="read write", **extra):
    q = {"client_id": keys[0], "response_type": "code", "redirect_uri": redirect, "scope": scope,
         **extra}
    return server.url("/oauth/authorize?" + urllib.parse.urlencode(q))


def oob_code(server, s, url):
    _, fields = consent(s, url)
    r = decide(server, s, fields)
    assert r.status_code == 200, r.text
    assert "no-store" in r.headers.get("cache-control", "")
    return CODE.search(r.text).group(1)


def test_authorization_code_through_the_consent_page(server, keys, people):
    m = client(server, keys)
    url = m.auth_request_url(redirect_uris=OOB, scopes=["read", "write"], state="etat")
    assert url.startswith(server.base + "/oauth/authorize?")
    # not signed in: to the sign-in page, and back to the same request after it
    s = requests.Session()
    r = s.get(url, allow_redirects=False, timeout=10)
    assert r.status_code in (302, 303), r.text
    location = r.headers["location"]
    assert location.startswith("/login?next=")
    next_path = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["next"][0]
    assert next_path.startswith("/oauth/authorize?")
    s, r = sign_in(server, "mia", people.mia_password, s, next_path)
    assert r.headers["location"] == next_path
    page, fields = consent(s, server.url(r.headers["location"]))
    assert APP_NAME in html.unescape(page) and "mia" in page
    assert fields["client_id"] == keys[0] and fields["redirect_uri"] == OOB
    assert fields["scope"] == "read write" and fields["state"] == "etat"
    assert fields["csrf"]
    # the form without its CSRF token: refused, no code made
    codes = db_count(server, "SELECT count(*) FROM oauth_codes")
    r = decide(server, s, {k: v for k, v in fields.items() if k != "csrf"})
    assert r.status_code == 403
    assert db_count(server, "SELECT count(*) FROM oauth_codes") == codes
    # allowed: the code is shown to copy, and Mastodon.py trades it for a token
    r = decide(server, s, fields)
    assert r.status_code == 200 and "oauth-code" in r.text
    code = CODE.search(r.text).group(1)
    m.log_in(code=code, redirect_uri=OOB, scopes=["read", "write"])
    me = m.account_verify_credentials()
    assert me["username"] == "mia"
    # a code is good once
    with pytest.raises(MastodonIllegalArgumentError):
        client(server, keys).log_in(code=code, redirect_uri=OOB, scopes=["read", "write"])


def test_pkce(server, keys, people):
    s, _ = sign_in(server, "mia", people.mia_password)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .rstrip(b"=").decode()
    url = authorize_url(server, keys, code_challenge=challenge, code_challenge_method="S256")
    _, fields = consent(s, url)
    assert fields["code_challenge"] == challenge and fields["code_challenge_method"] == "S256"

    def trade(code, **extra):
        return requests.post(server.url("/oauth/token"), timeout=10,
                             data={"grant_type": "authorization_code", "code": code,
                                   "redirect_uri": OOB, "client_id": keys[0],
                                   "client_secret": keys[1], **extra})

    wrong, missing, right = (oob_code(server, s, url) for _ in range(3))
    r = trade(wrong, code_verifier=secrets.token_urlsafe(48))
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert "access_token" not in r.json()
    r = trade(missing)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = trade(right, code_verifier=verifier)
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    assert r.json()["scope"] == "read write"
    assert client(server, keys, token).account_verify_credentials()["username"] == "mia"
    r = trade(right, code_verifier=verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_a_redirect_uri_gets_the_code_or_the_refusal_with_its_state(server, keys, people):
    s, _ = sign_in(server, "mia", people.mia_password)
    url = authorize_url(server, keys, redirect=CALLBACK, state="a b&c")
    _, fields = consent(s, url)
    r = decide(server, s, fields)
    assert r.status_code == 302
    back = urllib.parse.urlsplit(r.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    q = urllib.parse.parse_qs(back.query)
    assert q["state"] == ["a b&c"] and len(q["code"]) == 1
    m = client(server, keys)
    m.log_in(code=q["code"][0], redirect_uri=CALLBACK, scopes=["read", "write"])
    assert m.account_verify_credentials()["username"] == "mia"
    # denied: the app hears access_denied, no code is made
    codes = db_count(server, "SELECT count(*) FROM oauth_codes")
    r = decide(server, s, fields, "deny")
    assert r.status_code == 302
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["location"]).query)
    assert q == {"error": ["access_denied"], "state": ["a b&c"]}
    assert db_count(server, "SELECT count(*) FROM oauth_codes") == codes


def test_bad_authorize_requests_get_a_400_page(server, keys, people):
    s, _ = sign_in(server, "mia", people.mia_password)
    cases = [
        (authorize_url(server, ("no-such-client",)), "unknown client_id"),
        (authorize_url(server, keys, redirect="http://evil.example/cb"), "redirect_uri"),
        (authorize_url(server, keys, scope="read admin:write"), "scope"),
        (authorize_url(server, keys).replace("response_type=code", "response_type=token"),
         "response_type"),
    ]
    for url, why in cases:
        r = s.get(url, allow_redirects=False, timeout=10)
        assert r.status_code == 400, (url, r.status_code)
        assert r.headers["content-type"].startswith("text/html")
        assert why in r.text, (why, r.text[:2000])


def test_client_credentials_give_an_app_token_that_speaks_for_nobody(server, keys):
    r = requests.post(server.url("/oauth/token"), timeout=10,
                      data={"grant_type": "client_credentials", "client_id": keys[0],
                            "client_secret": keys[1], "scope": "read"})
    assert r.status_code == 200, r.text
    app = client(server, keys, r.json()["access_token"])
    got = app.app_verify_credentials()
    assert got["name"] == APP_NAME and got["website"] == "https://example.org/"
    with pytest.raises(MastodonAPIError) as e:
        app.account_verify_credentials()
    refused(e, 422, "This method requires an authenticated user")


def test_a_revoked_token_is_refused(server, keys, people):
    m = client(server, keys)
    token = m.log_in("mia", people.mia_password, scopes=["read"])
    # a wrong client secret revokes nothing
    r = requests.post(server.url("/oauth/revoke"), timeout=10,
                      data={"client_id": keys[0], "client_secret": "nope", "token": token})
    assert r.status_code == 403
    assert m.account_verify_credentials()["username"] == "mia"
    r = requests.post(server.url("/oauth/revoke"), timeout=10,
                      data={"client_id": keys[0], "client_secret": keys[1], "token": token})
    assert r.status_code == 200 and r.json() == {}
    with pytest.raises(MastodonUnauthorizedError):
        m.account_verify_credentials()
    r = requests.get(server.url("/api/v1/accounts/verify_credentials"), headers=auth(token),
                     timeout=10)
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}
    # and Mastodon.py's own revoke_access_token
    m2 = client(server, keys)
    token2 = m2.log_in("mia", people.mia_password, scopes=["read"])
    m2.revoke_access_token()
    with pytest.raises(MastodonUnauthorizedError):
        client(server, keys, token2).account_verify_credentials()


def test_scopes_are_enforced(server, keys, people):
    reader = client(server, keys)
    reader.log_in("mia", people.mia_password, scopes=["read"])
    assert reader.account_verify_credentials()["username"] == "mia"
    before = posts_stored(server)
    with pytest.raises(MastodonAPIError) as e:
        reader.status_post("je n'ai que read")
    refused(e, 403)
    assert e.value.args[3] == "This action is outside the authorized scopes"
    # a narrow scope: write:statuses posts, but reads nothing
    writer = client(server, keys)
    writer.log_in("mia", people.mia_password, scopes=["write:statuses"])
    posted = writer.status_post("écrire seulement")
    with pytest.raises(MastodonAPIError) as e:
        writer.timeline_home()
    refused(e, 403, "outside the authorized scopes")
    writer.status_delete(posted)
    # no token, or a garbage one: 401 with Mastodon's message
    r = requests.post(server.url("/api/v1/statuses"), data={"status": "anonyme"}, timeout=10)
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}
    r = requests.post(server.url("/api/v1/statuses"), data={"status": "anonyme"},
                      headers=auth("garbage"), timeout=10)
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}
    # a token of the right form that was never given (or was revoked) is no better
    r = requests.get(server.url("/api/v1/timelines/home"), headers=auth("A" * 43), timeout=10)
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}
    with pytest.raises(MastodonUnauthorizedError):
        client(server, keys, "garbage").status_post("x")
    with pytest.raises(MastodonUnauthorizedError):
        client(server, keys).timeline_home()
    assert posts_stored(server) == before


# ---- accounts ----

def test_accounts(server, keys, people):
    me = people.ed.account_verify_credentials()
    assert me["username"] == "ed" and me["acct"] == "ed" and me["display_name"]
    raw = requests.get(server.url("/api/v1/accounts/verify_credentials"),
                       headers=auth(people.ed.access_token), timeout=10).json()
    assert isinstance(raw["id"], str) and raw["id"] == str(me["id"])
    assert MILLIS.match(raw["created_at"]), raw["created_at"]
    assert raw["source"]["privacy"] == "public"
    r = requests.get(raw["avatar"], timeout=10)
    assert raw["avatar"] == server.url("/users/ed/avatar.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert people.mia.account(me["id"])["username"] == "ed"
    assert people.mia.account_lookup("ed")["id"] == me["id"]
    assert people.mia.account_lookup("@ed")["id"] == me["id"]
    host = server.base.split("://", 1)[1]
    assert people.mia.account_lookup(f"ed@{host}")["id"] == me["id"]
    with pytest.raises(MastodonNotFoundError):
        people.mia.account_lookup("nobody")
    with pytest.raises(MastodonNotFoundError):
        people.mia.account(424242)
    s = people.ed.status_post("Sur mon profil, sans mot-clic")
    statuses = people.mia.account_statuses(me["id"])
    assert statuses[0]["id"] == s["id"]
    assert all(st["account"]["username"] == "ed" for st in statuses)
    assert people.mia.account(me["id"])["statuses_count"] >= 1
    # anybody may read them
    r = requests.get(server.url(f"/api/v1/accounts/{raw['id']}/statuses"), timeout=10)
    assert r.status_code == 200 and r.json()[0]["id"] == str(s["id"])


# ---- statuses ----

def test_a_status_as_mastodon_shapes_it(server, people):
    s = people.mia.status_post("Bonjour tout le monde #Essai", spoiler_text="divulgâcheur",
                               language="fr", visibility="unlisted")
    raw = requests.get(server.url(f"/api/v1/statuses/{s['id']}"),
                       headers=auth(people.mia.access_token), timeout=10).json()
    assert isinstance(raw["id"], str) and raw["id"] == str(s["id"])
    assert MILLIS.match(raw["created_at"]), raw["created_at"]
    assert raw["content"].startswith("<p>") and raw["content"].endswith("</p>")
    assert "Bonjour tout le monde" in raw["content"]
    assert raw["tags"] == [{"name": "essai", "url": server.url("/tags/essai")}] or \
        raw["tags"] == [{"name": "Essai", "url": server.url("/tags/Essai")}], raw["tags"]
    assert raw["account"]["username"] == "mia" and isinstance(raw["account"]["id"], str)
    assert raw["spoiler_text"] == "divulgâcheur" and raw["sensitive"] is True
    assert raw["language"] == "fr" and raw["visibility"] == "unlisted"
    assert raw["favourites_count"] == 0 and raw["reblogs_count"] == 0
    assert raw["replies_count"] == 0 and raw["favourited"] is False
    assert raw["in_reply_to_id"] is None and raw["media_attachments"] == []
    assert raw["url"].startswith(server.base) and raw["uri"].startswith(server.base)
    # anybody may read a public or unlisted status
    assert requests.get(server.url(f"/api/v1/statuses/{raw['id']}"),
                        timeout=10).json()["id"] == raw["id"]


def test_the_answer_to_a_new_status_is_the_status_as_read_back(server, people):
    """The answer to POST is made after the commit, apart from the write:
    it must be the very status a GET reads, every character of it kept."""
    spoiler = 'Des "guillemets", une \\ barre\tune tabulation et 🙂'
    text = 'Elle a dit "coopérer" \\ <b>pas du gras</b> & 🙂\nà la ligne'
    r = requests.post(server.url("/api/v1/statuses"), headers=auth(people.mia.access_token),
                      json={"status": text, "spoiler_text": spoiler}, timeout=10)
    assert r.status_code == 200, r.text
    posted = r.json()
    read = requests.get(server.url(f"/api/v1/statuses/{posted['id']}"),
                        headers=auth(people.mia.access_token), timeout=10).json()
    assert posted == read
    assert posted["spoiler_text"] == spoiler
    assert "&lt;b&gt;pas du gras&lt;/b&gt;" in posted["content"]
    assert "<b>" not in posted["content"] and "🙂" in posted["content"]
    assert "&quot;coopérer&quot;" in posted["content"] or '"coopérer"' in posted["content"]
    assert posted["account"]["statuses_count"] >= 1
    # the author's count in the answer includes the status just posted
    again = requests.post(server.url("/api/v1/statuses"), headers=auth(people.mia.access_token),
                          json={"status": "encore"}, timeout=10).json()
    assert again["account"]["statuses_count"] == posted["account"]["statuses_count"] + 1


def test_the_same_idempotency_key_gives_the_same_status(server, people):
    before = posts_stored(server)
    a = people.mia.status_post("Une seule fois", idempotency_key="clef-1")
    b = people.mia.status_post("Une seule fois", idempotency_key="clef-1")
    assert a["id"] == b["id"]
    assert posts_stored(server) == before + 1
    # the key is the account's: another one's same key makes its own status
    c = people.ed.status_post("Une seule fois", idempotency_key="clef-1")
    assert c["id"] != a["id"] and c["account"]["username"] == "ed"
    assert posts_stored(server) == before + 2


def test_limits_and_bad_statuses_are_refused_and_nothing_is_stored(server, people):
    before = posts_stored(server)
    ok = people.mia.status_post("a" * 500)
    assert "a" * 500 in ok["content"]
    before += 1
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_post("b" * 501)
    refused(e, 422, "500")
    r = requests.post(server.url("/api/v1/statuses"), headers=auth(people.mia.access_token),
                      json={"status": "c" * 501}, timeout=10)
    assert r.status_code == 422 and "500" in r.json()["error"]
    with pytest.raises(MastodonNotFoundError):
        people.mia.status_post("réponse à rien", in_reply_to_id=987654321)
    r = requests.post(server.url("/api/v1/statuses"), headers=auth(people.mia.access_token),
                      data={"status": "vu de tous", "visibility": "everyone"}, timeout=10)
    assert r.status_code == 422 and "Visibility" in r.json()["error"]
    for blank in ("", "   ", "\n\t"):  # Mastodon: "Validation failed: Text can't be blank"
        r = requests.post(server.url("/api/v1/statuses"),
                          headers=auth(people.mia.access_token), data={"status": blank},
                          timeout=10)
        assert r.status_code == 422 and "blank" in r.json()["error"], (blank, r.text)
    assert posts_stored(server) == before


def test_a_poll_is_refused_not_dropped(server, people):
    """Posted without its poll, a status would not be what its author sent: 422 saying
    why, nothing stored; the same keys sent empty are fine (scheduled_at: test_83)."""
    before = posts_stored(server)
    poll = people.mia.make_poll(["oui", "non"], expires_in=300)
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_post("Une pause ? #innover", poll=poll)
    refused(e, 422, "no polls", "nothing was posted")
    r = requests.post(server.url("/api/v1/statuses"), headers=auth(people.mia.access_token),
                      json={"status": "Sondage", "poll": {"options": ["a", "b"],
                                                          "expires_in": 300}}, timeout=10)
    assert r.status_code == 422 and "no polls" in r.json()["error"], r.text
    assert posts_stored(server) == before
    # what masto.js sends when there is neither
    r = requests.post(server.url("/api/v1/statuses"), headers=auth(people.mia.access_token),
                      json={"status": "Ni l'un ni l'autre", "poll": None,
                            "scheduled_at": None}, timeout=10)
    assert r.status_code == 200, r.text
    assert posts_stored(server) == before + 1


def test_a_status_with_a_live_events_hashtag_goes_to_the_event(server, keys, people):
    text = "Jacques Beaudet: il faut travailler ensemble #innover"
    s = people.ed.status_post(text)
    posts = event_posts(server, "cooperer")
    mine = [p for p in posts if p["id"] == str(s["id"])]
    assert len(mine) == 1, posts
    assert mine[0]["speaker"] == {"name": "Jacques Beaudet"}
    assert mine[0]["text"] == text
    assert s["url"] == server.url(f"/e/cooperer#p{s['id']}")
    # over the event's own limit of 140: refused with the composer's message
    before = posts_stored(server)
    with pytest.raises(MastodonAPIError) as e:
        people.ed.status_post("x" * 141 + " #innover")
    refused(e, 422)
    assert e.value.args[3] == "the post is 150 characters, the limit is 140"
    r = requests.post(server.url("/api/v1/statuses"), headers=auth(people.ed.access_token),
                      data={"status": "x" * 141 + " #innover"}, timeout=10)
    assert r.status_code == 422
    assert r.json()["error"] == "the post is 150 characters, the limit is 140"
    assert posts_stored(server) == before
    assert len(event_posts(server, "cooperer")) == len(posts)
    # a member is not one of its editors: the status stays on the profile
    m = people.mia.status_post("Moi aussi je suis là #innover")
    assert all(p["id"] != str(m["id"]) for p in event_posts(server, "cooperer"))
    mia_id = people.mia.account_verify_credentials()["id"]
    assert m["id"] in [x["id"] for x in people.ed.account_statuses(mia_id)]
    assert m["url"] == server.url(f"/@mia#p{m['id']}")
    # without the tag, an editor's status is a profile post too
    n = people.ed.status_post("Jacques Beaudet: rien à voir")
    assert all(p["id"] != str(n["id"]) for p in event_posts(server, "cooperer"))
    ed_id = people.ed.account_verify_credentials()["id"]
    assert n["id"] in [x["id"] for x in people.mia.account_statuses(ed_id)]


def test_an_event_that_takes_audience_posts_takes_a_members_status(server, people):
    make_event(server, people.ed_native, "salle", "salle", audience_posts=True)
    s = people.mia.status_post("Une question de la salle #salle")
    assert [p["id"] for p in event_posts(server, "salle")] == [str(s["id"])]
    # held for moderation: not shown until an editor approves it
    make_event(server, people.ed_native, "salle-mod", "sallemod", audience_posts=True,
               moderation=True)
    held = people.mia.status_post("À modérer #sallemod")
    assert event_posts(server, "salle-mod") == []
    assert held["id"] not in [x["id"] for x in people.ed.timeline_public(limit=40)]
    assert held["id"] not in [x["id"] for x in people.ed.timeline_hashtag("sallemod")]
    r = requests.post(server.url(f"/api/v1/posts/{held['id']}/approve"),
                      headers=auth(people.ed_native), timeout=10)
    assert r.status_code in (200, 204), r.text
    assert [p["id"] for p in event_posts(server, "salle-mod")] == [str(held["id"])]
    assert [x["id"] for x in people.ed.timeline_hashtag("sallemod")] == [held["id"]]


def test_thread_edit_and_delete(server, people):
    root = people.ed.status_post("Racine du fil")
    r1 = people.mia.status_post("Première réponse", in_reply_to_id=root["id"])
    r2 = people.ed.status_post("Réponse à la réponse", in_reply_to_id=r1["id"])
    assert r1["in_reply_to_id"] == root["id"]
    assert r1["in_reply_to_account_id"] == root["account"]["id"]
    ctx = people.mia.status_context(root["id"])
    assert ctx["ancestors"] == [] and [x["id"] for x in ctx["descendants"]] == [r1["id"], r2["id"]]
    ctx = people.mia.status_context(r2["id"])
    assert [x["id"] for x in ctx["ancestors"]] == [root["id"], r1["id"]]
    assert ctx["descendants"] == []
    assert people.mia.status(root["id"])["replies_count"] == 1
    # its author edits it; nobody else may
    edited = people.ed.status_update(root["id"], status="Racine du fil, corrigée")
    assert "corrigée" in edited["content"] and edited["edited_at"] is not None
    assert "corrigée" in people.mia.status(root["id"])["content"]
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_update(root["id"], status="piraté")
    refused(e, 403)
    assert "piraté" not in people.mia.status(root["id"])["content"]
    # deletion: only its author; the answer carries the text for "delete and redraft"
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_delete(root["id"])
    refused(e, 403)
    gone = people.ed.status_delete(root["id"])
    assert gone["id"] == root["id"] and gone["text"] == "Racine du fil, corrigée"
    with pytest.raises(MastodonNotFoundError):
        people.mia.status(root["id"])
    with pytest.raises(MastodonNotFoundError):
        people.ed.status_delete(root["id"])
    # the replies stay
    assert people.mia.status(r1["id"])["id"] == r1["id"]


def test_an_event_post_edited_over_its_limit_is_refused(server, people):
    s = people.ed.status_post("Court #innover")
    with pytest.raises(MastodonAPIError) as e:
        people.ed.status_update(s["id"], status="y" * 141 + " #innover")
    refused(e, 422, "the limit is 140")
    assert [p["text"] for p in event_posts(server, "cooperer") if p["id"] == str(s["id"])] == \
        ["Court #innover"]


def test_favourites_and_reblogs(server, people):
    s = people.ed.status_post("À aimer")
    f = people.mia.status_favourite(s["id"])
    assert f["favourites_count"] == 1 and f["favourited"] is True
    f = people.mia.status_favourite(s["id"])  # again: still one
    assert f["favourites_count"] == 1
    seen_by_ed = people.ed.status(s["id"])
    assert seen_by_ed["favourites_count"] == 1 and seen_by_ed["favourited"] is False
    assert [a["username"] for a in people.ed.status_favourited_by(s["id"])] == ["mia"]
    f = people.mia.status_unfavourite(s["id"])
    assert f["favourites_count"] == 0 and f["favourited"] is False
    assert people.ed.status_favourited_by(s["id"]) == []
    rb = people.mia.status_reblog(s["id"])
    assert rb["reblog"]["id"] == s["id"] and rb["account"]["username"] == "mia"
    after = people.mia.status(s["id"])
    assert after["reblogs_count"] == 1 and after["reblogged"] is True
    un = people.mia.status_unreblog(s["id"])
    assert un["id"] == s["id"] and un["reblogged"] is False and un["reblogs_count"] == 0


def test_unknown_statuses_are_404(server, people):
    for call in (people.mia.status, people.mia.status_context, people.mia.status_favourite,
                 people.mia.status_reblog, people.mia.status_favourited_by,
                 people.mia.status_delete):
        with pytest.raises(MastodonNotFoundError):
            call(31337)
    r = requests.get(server.url("/api/v1/statuses/abc"), timeout=10)
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}


# ---- timelines ----

def test_timelines_newest_first_and_pages_as_mastodon_py_walks_them(server, people):
    ids = [people.mia.status_post(f"Message {i} #pages")["id"] for i in range(7)]
    newest_first = ids[::-1]
    page1 = people.ed.timeline_hashtag("pages", limit=3)
    page2 = people.ed.fetch_next(page1)
    page3 = people.ed.fetch_next(page2)
    assert [[x["id"] for x in p] for p in (page1, page2, page3)] == \
        [newest_first[:3], newest_first[3:6], newest_first[6:]]
    assert not people.ed.fetch_next(page3)  # nothing after the last page
    back = people.ed.fetch_previous(page2)
    assert [x["id"] for x in back] == newest_first[:3]
    # since_id: the newest above it; min_id: those just above it; both newest first
    assert [x["id"] for x in people.ed.timeline_hashtag("pages", since_id=ids[0], limit=2)] == \
        [ids[6], ids[5]]
    assert [x["id"] for x in people.ed.timeline_hashtag("pages", min_id=ids[0], limit=2)] == \
        [ids[2], ids[1]]
    assert [x["id"] for x in people.ed.timeline_hashtag("pages", max_id=ids[3])] == \
        [ids[2], ids[1], ids[0]]
    # the Link header itself, rel="next" first
    r = requests.get(server.url("/api/v1/timelines/tag/pages?limit=3"), timeout=10)
    link = r.headers["link"]
    assert link.index('rel="next"') < link.index('rel="prev"')
    assert f"max_id={ids[4]}" in link and f"min_id={ids[6]}" in link
    # home, public and local: everything public here, newest first
    for timeline in (people.ed.timeline_home, people.ed.timeline_public,
                     people.ed.timeline_local):
        got = [x["id"] for x in timeline(limit=5)]
        assert got[:5] == newest_first[:5], timeline
    r = requests.get(server.url("/api/v1/timelines/public?limit=abc"), timeout=10)
    assert r.status_code == 400 and "limit" in r.json()["error"]


def test_the_posts_of_a_draft_event_appear_nowhere(server, people):
    make_event(server, people.ed_native, "brouillon", "brouillon")
    s = people.ed.status_post("Avant-première #brouillon")
    assert [p["id"] for p in event_posts(server, "brouillon")] == [str(s["id"])]
    r = requests.patch(server.url("/api/v1/events/brouillon"), json={"state": "draft"},
                       headers=auth(people.ed_native), timeout=10)
    assert r.status_code == 200, r.text
    ed_id = people.ed.account_verify_credentials()["id"]
    for what, got in [
        ("public", people.mia.timeline_public(limit=40)),
        ("home", people.mia.timeline_home(limit=40)),
        ("tag", people.mia.timeline_hashtag("brouillon")),
        ("account", people.mia.account_statuses(ed_id, limit=40)),
    ]:
        assert s["id"] not in [x["id"] for x in got], what
    with pytest.raises(MastodonNotFoundError):
        people.mia.status(s["id"])
    assert requests.get(server.url(f"/api/v1/statuses/{s['id']}"), timeout=10).status_code == 404


def test_a_private_status_is_its_authors_alone(server, people):
    p = people.mia.status_post("Note privée", visibility="private")
    assert people.mia.status(p["id"])["visibility"] == "private"
    with pytest.raises(MastodonNotFoundError):
        people.ed.status(p["id"])
    mia_id = people.mia.account_verify_credentials()["id"]
    assert p["id"] in [x["id"] for x in people.mia.account_statuses(mia_id)]
    for what, got in [
        ("public", people.ed.timeline_public(limit=40)),
        ("home", people.ed.timeline_home(limit=40)),
        ("account as ed", people.ed.account_statuses(mia_id, limit=40)),
    ]:
        assert p["id"] not in [x["id"] for x in got], what
    r = requests.get(server.url(f"/api/v1/accounts/{mia_id}/statuses"), timeout=10)
    assert str(p["id"]) not in [x["id"] for x in r.json()], "account statuses, anonymous"


# ---- streaming ----

class Collect(StreamListener):
    def __init__(self):
        self.updates, self.deletes, self.edits = queue.Queue(), queue.Queue(), queue.Queue()
        self.notifications = queue.Queue()

    def on_notification(self, notification):
        self.notifications.put(notification)

    def on_update(self, status):
        self.updates.put(status)

    def on_delete(self, status_id):
        self.deletes.put(status_id)

    def on_status_update(self, status):
        self.edits.put(status)


def wait_connected(handle):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if handle.connection is not None and not handle.reconnecting:
            time.sleep(0.2)
            return
        time.sleep(0.05)
    pytest.fail("the stream did not connect within 10 s")


def test_mastodon_py_streams_a_hashtag(server, people):
    listener = Collect()
    handle = people.mia.stream_hashtag("flux", listener, run_async=True, timeout=15)
    try:
        wait_connected(handle)
        people.mia.status_post("Pas pour ce flux #ailleurs")
        s = people.ed.status_post("En direct #flux")
        got = listener.updates.get(timeout=10)
        assert got["id"] == s["id"] and "En direct" in got["content"]
        assert got["account"]["username"] == "ed"
        people.ed.status_update(s["id"], status="En direct, corrigé #flux")
        edit = listener.edits.get(timeout=10)
        assert edit["id"] == s["id"] and "corrigé" in edit["content"]
        people.ed.status_delete(s["id"])
        assert listener.deletes.get(timeout=10) == s["id"]
        assert listener.updates.empty()
    finally:
        handle.close()


def test_the_user_stream_tells_of_mentions_replies_favourites_and_reblogs(server, people):
    """Mastodon.py's user stream for ed: what mia does to him (a mention, a reply, a
    favourite, a reblog) comes as notifications, with the ids GET /api/v1/notifications
    gives them afterwards."""
    listener = Collect()
    handle = people.ed.stream_user(listener, run_async=True, timeout=15)
    try:
        wait_connected(handle)
        mine = people.ed.status_post("Question ouverte")
        mention = people.mia.status_post("Je suis d'accord avec @ED sur ce point")
        reply = people.mia.status_reply(mine, "Réponse, sans le nommer", untag=True)
        people.mia.status_post("Rien pour ed ici")
        people.mia.status_favourite(mine["id"])
        people.ed.status_favourite(mine["id"])  # one's own: no notification
        people.mia.status_reblog(mine["id"])
        got = [listener.notifications.get(timeout=10) for _ in range(4)]
        assert [(n["type"], n["account"]["username"], n["status"]["id"]) for n in got] == [
            ("mention", "mia", mention["id"]), ("mention", "mia", reply["id"]),
            ("favourite", "mia", mine["id"]), ("reblog", "mia", mine["id"])], got
        assert got[2]["status"]["favourited"] is False  # as ed sees it, before his own
        listed = {n["id"]: n["type"] for n in people.ed.notifications()}
        assert all(listed.get(n["id"]) == n["type"] for n in got), (listed, got)
        time.sleep(0.5)
        assert listener.notifications.empty()
    finally:
        handle.close()
    # the stream of notifications alone (user/notification): no statuses, mia's like on the web
    stream = RawStream(server, "/api/v1/streaming/user/notification?access_token="
                       + people.ed.access_token)
    try:
        assert stream.head.startswith("HTTP/1.1 200"), stream.head
        time.sleep(0.2)
        people.mia.status_post("Encore une fois, @ed")
        _, body = stream.until(b"event: notification\n")
        assert b"event: update" not in body
        data = re.search(rb"event: notification\ndata: (\{[^\n]*\})\n\n", body)
        assert json.loads(data.group(1))["type"] == "mention"
    finally:
        stream.close()
    r = requests.get(server.url("/api/v1/streaming/user/notification"), timeout=10)
    assert r.status_code == 401


class RawStream:
    """An SSE response read on a plain socket, so that the bytes are the server's own."""

    def __init__(self, server, path):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                          f"Accept: text/event-stream\r\n\r\n".encode())
        self.raw = b""
        self.deadline = time.monotonic() + 10
        self.head, self.body = self.until(b"")

    def until(self, marker):
        """Reads until the (de-chunked) body holds marker (bytes, or a test of the body)."""
        while True:
            head, sep, rest = self.raw.partition(b"\r\n\r\n")
            if sep:
                chunked = b"transfer-encoding: chunked" in head.lower()
                body = dechunk(rest) if chunked else rest
                if marker in body if isinstance(marker, bytes) else marker(body):
                    return head.decode(), body
            if time.monotonic() > self.deadline:
                pytest.fail(f"{marker!r} did not come within 10 s: {self.raw[-2000:]!r}")
            self.sock.settimeout(max(0.1, self.deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                pytest.fail(f"the stream ended before {marker!r}: {self.raw[-2000:]!r}")
            self.raw += data

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def dechunk(data):
    """The payload of a chunked body, as far as it has come."""
    out = b""
    while True:
        line, sep, rest = data.partition(b"\r\n")
        if not sep:
            return out
        size = int(line.split(b";")[0] or b"0", 16)
        if size == 0:
            return out
        if len(rest) < size + 2:
            return out + rest[:size]
        out += rest[:size]
        data = rest[size + 2:]


def test_the_streaming_api_frames_as_mastodon(server, people):
    r = requests.get(server.url("/api/v1/streaming/health"), timeout=10)
    assert r.status_code == 200 and r.text == "OK"
    r = requests.get(server.url("/api/v1/streaming/hashtag"), timeout=10)
    assert r.status_code == 400 and r.json() == {"error": "Missing tag name parameter"}
    r = requests.get(server.url("/api/v1/streaming/user"), timeout=10)
    assert r.status_code == 401
    stream = RawStream(server, "/api/v1/streaming/public")
    try:
        assert stream.head.startswith("HTTP/1.1 200"), stream.head
        assert "content-type: text/event-stream" in stream.head.lower()
        time.sleep(0.2)
        s = people.mia.status_post("Trame #cadre")

        def update_of(body):
            # an event starts a line: after a blank line, or after a ":thump\n"
            # keep-alive, as Mastodon's own streaming server writes them
            return [json.loads(data) for data in
                    re.findall(rb"(?:^|\n)event: update\ndata: (\{[^\n]*\})\n\n", body)
                    if json.loads(data)["id"] == str(s["id"])]

        _, body = stream.until(update_of)
        status = update_of(body)[0]
        assert "Trame" in status["content"] and status["account"]["username"] == "mia"
        assert status["created_at"].endswith(".000Z")
        people.mia.status_delete(s["id"])
        _, body = stream.until(f"event: delete\ndata: {s['id']}\n\n".encode())
        assert b"\r" not in body
    finally:
        stream.close()


# ---- media, search, notifications, markers (the later endpoints) ----

def png(width=3, height=2, comment=None):
    """A small true-colour PNG, with a tEXt "Comment" chunk when asked."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + b"\xc0\x30\x10" * width for _ in range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                                             0, 0))
    if comment is not None:
        out += chunk(b"tEXt", b"Comment\x00" + comment)
    return out + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def wait_media_url(m, media):
    """v2 may answer before the file is processed (url null): ask again, for 10 s at most."""
    deadline = time.monotonic() + 10
    while media["url"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
        media = m.media(media["id"])
    assert media["url"], media
    return media


def test_media_upload_strips_metadata_and_attaches(server, people):
    description = "Photo : gracieuseté de Luc Savard"
    data = png(5, 4, comment=b"SECRET-GPS-45.81N")
    media = people.mia.media_post(data, mime_type="image/png", description=description,
                                  file_name="photo.png")
    media = wait_media_url(people.mia, media)
    assert media["type"] == "image" and media["description"] == description
    assert media["preview_url"]
    assert media["meta"]["original"]["width"] == 5 and media["meta"]["original"]["height"] == 4
    r = requests.get(media["url"], timeout=10)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"SECRET" not in r.content and b"tEXt" not in r.content
    assert requests.get(media["preview_url"], timeout=10).status_code == 200
    s = people.mia.status_post("Avec photo", media_ids=[media["id"]])
    assert [a["id"] for a in s["media_attachments"]] == [media["id"]]
    assert s["media_attachments"][0]["description"] == description
    assert people.ed.status(s["id"])["media_attachments"][0]["url"] == media["url"]
    # the v1 address takes the same form
    r = requests.post(server.url("/api/v1/media"), headers=auth(people.mia.access_token),
                      files={"file": ("b.png", png(), "image/png")},
                      data={"description": "v1"}, timeout=10)
    assert r.status_code in (200, 202), r.text
    assert r.json()["type"] == "image" and r.json()["description"] == "v1"


def test_media_that_is_not_an_image_is_refused_and_nothing_is_stored(server, people):
    before = db_count(server, "SELECT count(*) FROM media")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for data, mime, name in [(b"just some text\n", "text/plain", "notes.txt"),
                             (svg, "image/png", "trap.png")]:
        with pytest.raises(MastodonAPIError) as e:
            people.mia.media_post(data, mime_type=mime, file_name=name)
        refused(e, 422)
        assert e.value.args[3], "no message said why"
    big = png() + b"\x00" * (8 << 20)
    r = requests.post(server.url("/api/v2/media"), headers=auth(people.mia.access_token),
                      files={"file": ("big.png", big, "image/png")}, timeout=30)
    assert r.status_code in (413, 422), r.status_code
    assert r.json()["error"]
    # no file part at all
    r = requests.post(server.url("/api/v2/media"), headers=auth(people.mia.access_token),
                      data={"description": "rien"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]
    assert db_count(server, "SELECT count(*) FROM media") == before
    # and a status naming media that does not exist
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_post("photo fantôme", media_ids=[123456789])
    assert e.value.args[1] in (404, 422)


def test_search(server, people):
    s = people.ed.status_post("Une recherche sur la coopération #innover")
    got = people.mia.search_v2("ed")
    assert set(got) >= {"accounts", "statuses", "hashtags"}
    assert "ed" in [a["username"] for a in got["accounts"]]
    got = people.mia.search_v2("#innover")
    assert "innover" in [h["name"] for h in got["hashtags"]]
    deadline = time.monotonic() + 10  # the full-text index may follow a moment later
    while True:
        got = people.mia.search_v2("coopération")
        if s["id"] in [x["id"] for x in got["statuses"]] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert s["id"] in [x["id"] for x in got["statuses"]]


def test_notifications(server, people):
    s = people.ed.status_post("Quelqu'un pour répondre ?")
    people.mia.status_favourite(s["id"])
    reply = people.mia.status_post("Moi !", in_reply_to_id=s["id"])
    people.mia.status_post("Salut @ed")
    got = people.ed.notifications()
    assert isinstance(got, list)
    kinds = {(n["type"], n["account"]["username"]) for n in got}
    assert ("favourite", "mia") in kinds, kinds
    assert ("mention", "mia") in kinds, kinds
    assert reply["id"] in [n["status"]["id"] for n in got if n.get("status")]
    fav = [n for n in got if n["type"] == "favourite"][0]
    assert fav["status"]["id"] == s["id"]


def test_notifications_dismissed_or_cleared_leave_the_list(server, keys):
    """An app's swipe (dismiss) and its "clear all": gone from the list and from a lookup,
    another's notification untouched (404), what comes after listed."""
    add_user(server, "nina")
    add_user(server, "omar")
    nina = client(server, keys, server.token("nina"))
    omar = client(server, keys, server.token("omar"))
    s = nina.status_post("Des questions ?")
    omar.status_favourite(s["id"])
    omar.status_post("Oui", in_reply_to_id=s["id"])
    omar.status_post("@nina encore une")
    got = nina.notifications()
    assert [n["type"] for n in got] == ["mention", "mention", "favourite"], got
    first = got[0]
    assert nina.notifications(id=first["id"])["status"]["id"] == first["status"]["id"]
    nina.notifications_dismiss(first["id"])
    assert [n["id"] for n in nina.notifications()] == [n["id"] for n in got[1:]]
    with pytest.raises(MastodonNotFoundError):
        nina.notifications(id=first["id"])
    with pytest.raises(MastodonNotFoundError):
        nina.notifications_dismiss(first["id"])  # already
    with pytest.raises(MastodonNotFoundError):
        omar.notifications_dismiss(got[1]["id"])  # nina's, not his
    with pytest.raises(MastodonNotFoundError):
        nina.notifications_dismiss("12345")
    # the older form, the id in the body
    r = requests.post(server.url("/api/v1/notifications/dismiss"),
                      headers=auth(nina.access_token), data={"id": got[1]["id"]}, timeout=10)
    assert r.status_code == 200 and r.json() == {}, r.text
    assert [n["id"] for n in nina.notifications()] == [got[2]["id"]]
    # a token that may only read: refused, nothing changed
    made = server.cli("token", "create", "nina", "--scopes", "read")
    assert made.returncode == 0, made
    r = requests.post(server.url("/api/v1/notifications/clear"), timeout=10,
                      headers=auth(made.stdout.decode().split()[-1]))
    assert r.status_code == 403, r.text
    r = requests.post(server.url("/api/v1/notifications/clear"), timeout=10)
    assert r.status_code == 401, r.text
    assert len(nina.notifications()) == 1
    nina.notifications_clear()
    assert nina.notifications() == []
    later = omar.status_post("@nina après")
    assert [n["status"]["id"] for n in nina.notifications()] == [later["id"]]


def test_a_status_lists_who_it_mentions_and_a_reply_names_them(server, people):
    add_user(server, "zoe")
    zoe = server.token("zoe")
    s = people.mia.status_post("Bonjour @ed@ailleurs.example, @ed et @ZOE (@ed encore), ni "
                               "@personne ni @zoe@ailleurs.example")
    ed_id = people.ed.account_verify_credentials()["id"]
    zoe_id = requests.get(server.url("/api/v1/accounts/lookup?acct=zoe"), timeout=10).json()["id"]
    # each account of this server once, in text order; nobody for an unknown or remote name
    assert [(str(m["id"]), m["username"], m["acct"]) for m in s["mentions"]] == \
        [(str(ed_id), "ed", "ed"), (zoe_id, "zoe", "zoe")]
    ed, zoe_mention = s["mentions"]
    assert ed["url"] == server.url("/@ed") and f'href="{ed["url"]}"' in s["content"]
    # typed @ZOE, linked to zoe's own address: the very url of the mention, which apps look for
    assert zoe_mention["url"] == server.url("/@zoe")
    assert f'href="{zoe_mention["url"]}" class="mention">@ZOE</a>' in s["content"], s["content"]
    # Mastodon.py starts a reply with the author and everyone mentioned but oneself
    r = people.ed.status_reply(s, "D'accord")
    assert "@mia" in r["content"] and "@zoe" in r["content"] and "@ed" not in r["content"]
    assert {m["username"] for m in r["mentions"]} == {"mia", "zoe"}
    # and zoe is told, both times
    got = requests.get(server.url("/api/v1/notifications"), headers=auth(zoe), timeout=10)
    assert got.status_code == 200, got.text
    mentions = {n["status"]["id"] for n in got.json() if n["type"] == "mention"}
    assert mentions == {str(s["id"]), str(r["id"])}, got.json()


def test_what_profiles_composers_and_explore_pages_ask_for(server, people):
    """The calls an app makes around a status and a profile, through Mastodon.py."""
    ed_id = people.ed.account_verify_credentials()["id"]
    mia_id = people.mia.account_verify_credentials()["id"]
    s = people.ed.status_post("Source d'origine #explorer")
    # editing in an app starts from the source; the history holds the version kept
    assert people.ed.status_source(s["id"]) == {"id": s["id"], "text": "Source d'origine #explorer",
                                                "spoiler_text": ""}
    people.ed.status_update(s["id"], status="Source corrigée #explorer")
    history = people.ed.status_history(s["id"])
    assert len(history) == 1 and "corrigée" in history[0]["content"]
    assert history[0]["account"]["id"] == ed_id
    # who reblogged and favourited it; mia's favourites, newest first, paginated
    people.mia.status_reblog(s["id"])
    assert [a["id"] for a in people.ed.status_reblogged_by(s["id"])] == [mia_id]
    older = people.ed.status_post("Plus ancienne")
    newer = people.ed.status_post("Plus récente")
    for st in (older, newer, s):
        people.mia.status_favourite(st["id"])
    favs = people.mia.favourites(limit=2)  # by the statuses' ids, newest first
    assert [f["id"] for f in favs] == [newer["id"], older["id"]], favs
    assert all(f["favourited"] for f in favs)
    assert people.mia.fetch_next(favs)[0]["id"] == s["id"]  # then what earlier tests liked
    # a profile: relationships (nobody follows anybody here), its empty lists, not a 404
    rel = people.mia.account_relationships([ed_id, 999])
    assert [r["id"] for r in rel] == [ed_id]
    assert rel[0]["following"] is False and rel[0]["blocking"] is False
    assert people.mia.account_following(ed_id) == []
    assert people.mia.account_followers(ed_id) == []
    assert people.mia.account_featured_tags(ed_id) == []
    assert people.mia.account_lists(ed_id) == []
    with pytest.raises(MastodonNotFoundError):
        people.mia.account_followers(999)
    # the composer's "@" completion
    assert "ed" in [a["username"] for a in people.mia.account_search("e")]
    # what an app asks at start or on its explore page
    assert people.mia.preferences()["posting:default:visibility"] == "public"
    assert people.mia.trending_tags() == [] and people.mia.suggestions() == []
    assert people.mia.instance_rules() == [] and people.mia.instance_peers() == []
    assert people.mia.endorsements() == [] and people.mia.featured_tags() == []
    r = requests.get(server.url("/api/v1/tags/Explorer"), timeout=10)
    assert r.status_code == 200 and r.json()["name"] == "explorer"
    assert r.json()["url"] == server.url("/tags/explorer") and r.json()["following"] is False
    assert requests.get(server.url("/api/v1/tags/%23"), timeout=10).status_code == 404
    # an account's lists need its token
    assert requests.get(server.url("/api/v1/favourites"), timeout=10).status_code == 401
    assert requests.get(server.url("/api/v1/preferences"), timeout=10).status_code == 401
    assert requests.get(server.url("/api/v1/trends/tags"), timeout=10).status_code == 200


def test_bookmarks_are_kept_for_their_owner_alone(server, people):
    a = people.ed.status_post("À relire #signets")
    b = people.ed.status_post("À relire aussi #signets")
    assert people.mia.bookmarks() == []
    got = people.mia.status_bookmark(a["id"])
    assert got["id"] == a["id"] and got["bookmarked"] is True
    people.mia.status_bookmark(b["id"])
    people.mia.status_bookmark(b["id"])  # twice is once
    assert [s["id"] for s in people.mia.bookmarks()] == [b["id"], a["id"]]
    page = people.mia.bookmarks(limit=1)
    assert [s["id"] for s in people.mia.fetch_next(page)] == [a["id"]]
    # a status and a timeline show it to mia, not to ed
    assert people.mia.status(a["id"])["bookmarked"] is True
    assert people.ed.status(a["id"])["bookmarked"] is False
    assert people.ed.bookmarks() == []
    tl = {s["id"]: s["bookmarked"] for s in people.mia.timeline_hashtag("signets")}
    assert tl == {a["id"]: True, b["id"]: True}
    assert people.mia.status_unbookmark(a["id"])["bookmarked"] is False
    tl = {s["id"]: s["bookmarked"] for s in people.mia.timeline_hashtag("signets")}
    assert tl == {a["id"]: False, b["id"]: True}  # the kept page was let go
    assert [s["id"] for s in people.mia.bookmarks()] == [b["id"]]
    # refusals: another's private status, an unknown one, no token
    with pytest.raises(MastodonNotFoundError):
        people.mia.status_bookmark(999)
    r = requests.post(server.url(f"/api/v1/statuses/{b['id']}/bookmark"), timeout=10)
    assert r.status_code == 401
    assert requests.get(server.url("/api/v1/bookmarks"), timeout=10).status_code == 401


def test_a_profiles_tabs_filter_its_statuses(server, people):
    me = people.mia.account_verify_credentials()["id"]
    other = people.ed.status_post("Une question d'ed")
    media = wait_media_url(people.mia, people.mia.media_post(png(), mime_type="image/png"))
    pic = people.mia.status_post("Onglet photo", media_ids=[media["id"]])
    thread = people.mia.status_post("Onglet fil #onglets")
    own_reply = people.mia.status_post("Suite du fil", in_reply_to_id=thread["id"])
    reply = people.mia.status_post("Réponse à ed", in_reply_to_id=other["id"])

    def ids(**filters):
        return [s["id"] for s in people.mia.account_statuses(me, limit=5, **filters)]
    assert ids()[:4] == [reply["id"], own_reply["id"], thread["id"], pic["id"]]
    assert ids(pinned=True) == []  # nothing pinned yet: not every status twice
    media_tab = people.mia.account_statuses(me, limit=5, only_media=True)
    assert media_tab[0]["id"] == pic["id"]  # then earlier tests' pictures, read past the others
    assert all(s["media_attachments"] for s in media_tab)
    assert ids(exclude_replies=True)[:3] == [own_reply["id"], thread["id"], pic["id"]]
    assert ids(tagged="Onglets") == [thread["id"]]
    # the next page keeps the tab's filter
    # a page of the media tab is read past the statuses without media (an app takes an empty
    # page for the end), and the next page keeps the filter
    r = requests.get(server.url(f"/api/v1/accounts/{me}/statuses?only_media=true&limit=1"),
                     timeout=10)
    assert r.status_code == 200 and [s["id"] for s in r.json()] == [str(pic["id"])]
    assert f"only_media=true&limit=1&max_id={pic['id']}>" in r.headers["Link"], r.headers["Link"]


def test_a_hashtags_media_column_lists_only_statuses_with_pictures(server, people):
    """only_media on the tag and public timelines (a hashtag's media column): every status of
    the page has a picture, pages go on with the filter, the full timeline is still whole."""
    media = wait_media_url(people.mia, people.mia.media_post(png(), mime_type="image/png"))
    pic = people.mia.status_post("La salle, en photo #colonnephotos", media_ids=[media["id"]])
    for i in range(3):
        people.mia.status_post(f"Sans photo {i} #colonnephotos")
    assert [s["id"] for s in people.mia.timeline_hashtag("colonnephotos", only_media=True)] == \
        [pic["id"]]
    assert len(people.mia.timeline_hashtag("colonnephotos")) == 4  # a cached page apart
    public = people.mia.timeline_public(only_media=True, limit=3)
    assert public and public[0]["id"] == pic["id"]
    assert all(s["media_attachments"] for s in public)
    r = requests.get(server.url("/api/v1/timelines/tag/colonnephotos?only_media=true&limit=1"),
                     timeout=10)
    assert [s["id"] for s in r.json()] == [str(pic["id"])]
    assert "only_media=true" in r.headers["Link"], r.headers["Link"]
    r = requests.get(server.url(f"/api/v1/timelines/tag/colonnephotos?only_media=true&"
                                f"max_id={pic['id']}"), timeout=10)
    assert r.status_code == 200 and r.json() == []


def test_pins_put_statuses_first_on_their_authors_profile(server, people):
    me = people.mia.account_verify_credentials()["id"]
    first = people.mia.status_post("Annonce : la table ronde commence à 14 h")
    second = people.mia.status_post("Le programme")
    assert people.mia.status_pin(first["id"])["pinned"] is True
    people.mia.status_pin(second["id"])
    people.mia.status_pin(second["id"])  # twice is once
    pinned = people.mia.account_statuses(me, pinned=True)
    assert sorted(s["id"] for s in pinned) == sorted([first["id"], second["id"]])
    # "pinned" is for the author's eyes; others see the list
    assert people.mia.status(first["id"])["pinned"] is True
    assert "pinned" not in people.ed.status(first["id"])
    assert len(people.ed.account_statuses(me, pinned=True)) == 2
    assert people.mia.status_unpin(first["id"])["pinned"] is False
    assert [s["id"] for s in people.mia.account_statuses(me, pinned=True)] == [second["id"]]
    # refusals: another's status, a private one, a sixth pin (Mastodon keeps five)
    other = people.ed.status_post("D'ed")
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_pin(other["id"])
    assert e.value.args[1] == 422 and "Someone else" in e.value.args[3]
    private = people.mia.status_post("Entre nous", visibility="private")
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_pin(private["id"])
    assert e.value.args[1] == 422
    for i in range(4):
        people.mia.status_pin(people.mia.status_post(f"Épingle {i}")["id"])
    with pytest.raises(MastodonAPIError) as e:
        people.mia.status_pin(people.mia.status_post("Une de trop")["id"])
    assert e.value.args[1] == 422 and "maximum" in e.value.args[3]
    assert len(people.mia.account_statuses(me, pinned=True)) == 5
    r = requests.post(server.url(f"/api/v1/statuses/{second['id']}/pin"), timeout=10)
    assert r.status_code == 401


def test_markers(server, people):
    s = people.mia.status_post("Lu jusqu'ici")
    people.mia.markers_set(["home"], [s["id"]])
    got = people.mia.markers_get(["home"])
    assert got["home"]["last_read_id"] == s["id"]
    r = requests.get(server.url("/api/v1/markers?timeline[]=home"),
                     headers=auth(people.mia.access_token), timeout=10)
    assert r.status_code == 200 and r.json()["home"]["last_read_id"] == str(s["id"])
    assert requests.get(server.url("/api/v1/markers"), timeout=10).status_code == 401


def test_a_query_value_that_spells_another_query_is_another_page(server, people):
    # query values come decoded: "x=1%26limit%3D1" is one unknown parameter, not limit=1
    for i in range(3):
        people.mia.status_post(f"Clé de page {i} #clefs")
    url, whole = "/api/v1/timelines/tag/clefs?", 3
    for first, second in [("x=1%26limit%3D1", "x=1&limit=1"), ("x=2&limit=1", "x=2%26limit%3D1")]:
        a = requests.get(server.url(url + first), timeout=10)  # kept for the next asker
        b = requests.get(server.url(url + second), timeout=10)
        assert a.status_code == b.status_code == 200
        got = {q: len(r.json()) for q, r in ((first, a), (second, b))}
        assert got == {first: 1 if "&" in first else whole,
                       second: 1 if "&" in second else whole}, got
