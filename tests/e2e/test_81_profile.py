"""tests/e2e/test_81_profile.py - the name a person shows and a note about
them, set from a Mastodon app ("edit profile": PATCH
/api/v1/accounts/update_credentials, through Mastodon.py) or from the web's
profile form (/settings/profile, signed in, with its CSRF token, and in a
real browser), and seen at once everywhere the account appears: its
statuses in a timeline page that was cached before the change,
verify_credentials read just before (the token's account is kept a few
seconds), the web profile. Refusals (too long, a control character, bytes
that are not UTF-8, a picture, a read-only token, no token, a forged CSRF
token) say why and change nothing.
"""
import re

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError
from selenium.webdriver.common.by import By

from browser import csp_errors, start_browser, stop_browser, wait

ADDED = re.compile(r"with password: (\S+)")
LOGIN_CSRF = re.compile(r'action="/login"><input type="hidden" name="csrf" value="([^"]*)"')
FORM_CSRF = re.compile(r'action="/settings/profile"><input type="hidden" name="csrf" '
                       r'value="([^"]*)"')


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def add_user(server, name, role="member"):
    r = server.cli("user", "add", name, "--role", role)
    assert r.returncode == 0, r
    return ADDED.search(r.stdout.decode()).group(1)


def sign_in(server, name, password):
    s = requests.Session()
    page = s.get(server.url("/login"), timeout=10).text
    r = s.post(server.url("/login"), timeout=30, allow_redirects=False,
               data={"csrf": LOGIN_CSRF.search(page).group(1), "username": name,
                     "password": password})
    assert r.status_code == 303, r.text
    return s


def stored(server, name):
    """The account's (display_name, note) as the API shows them to anyone."""
    a = requests.get(server.url("/api/v1/accounts/lookup"), params={"acct": name},
                     timeout=10).json()
    return a["display_name"], a["note"]


@pytest.fixture(scope="module")
def app(server):
    return Mastodon.create_app("Profil", scopes=["read", "write"], api_base_url=server.base,
                               redirect_uris="urn:ietf:wg:oauth:2.0:oob", request_timeout=10)


def logged_in(server, app, name, password, scopes=("read", "write")):
    m = Mastodon(client_id=app[0], client_secret=app[1], api_base_url=server.base,
                 request_timeout=10, ratelimit_method="throw")
    m.log_in(name, password, scopes=list(scopes))
    return m


def test_an_app_sets_the_name_and_note_seen_everywhere_at_once(server, app):
    password = add_user(server, "marie", "editor")
    token = server.token("marie")
    r = requests.post(server.url("/api/v1/events"), headers=auth(token), timeout=10,
                      json={"slug": "profil", "title": "T", "hashtag": "profil", "lang": "fr",
                            "char_limit": 140, "state": "live"})
    assert r.status_code == 201, r.text
    m = logged_in(server, app, "marie", password)
    m.status_post("Bonjour de la salle #profil")
    # read before the change: the timeline page is cached, the token's account kept
    assert m.timeline_hashtag("profil")[0]["account"]["display_name"] == "marie"
    assert m.account_verify_credentials()["display_name"] == "marie"

    me = m.account_update_credentials(display_name="  Marie Tremblay (CDÉC)  ",
                                      note="Coordonnatrice.\nhttps://example.org/cdec")
    assert me["display_name"] == "Marie Tremblay (CDÉC)"  # trimmed
    assert me["source"]["note"] == "Coordonnatrice.\nhttps://example.org/cdec"
    assert me["note"] == ('<p>Coordonnatrice.<br><a href="https://example.org/cdec" '
                          'rel="nofollow ugc noopener">https://example.org/cdec</a></p>')
    # at once, not after the caches' seconds
    assert m.account_verify_credentials()["display_name"] == "Marie Tremblay (CDÉC)"
    assert m.account_verify_credentials()["source"]["note"] == me["source"]["note"]
    status = m.timeline_hashtag("profil")[0]
    assert status["account"]["display_name"] == "Marie Tremblay (CDÉC)"
    assert status["account"]["note"] == me["note"]
    plain = requests.get(server.url("/api/v1/timelines/tag/profil"), timeout=10).json()
    assert plain[0]["account"]["display_name"] == "Marie Tremblay (CDÉC)"
    page = requests.get(server.url("/@marie"), timeout=10).text
    assert "<h1>Marie Tremblay (CDÉC)</h1>" in page
    assert '<div class="note"><p>Coordonnatrice.<br><a href="https://example.org/cdec"' in page

    # only what is sent changes; the rest apps send along (locked, fields …) is left
    me = m.account_update_credentials(note="", locked=True)
    assert me["display_name"] == "Marie Tremblay (CDÉC)" and me["note"] == ""
    assert me["locked"] is False
    # an empty name shows the username
    me = m.account_update_credentials(display_name="")
    assert me["display_name"] == "marie"


def test_an_app_gets_a_reason_for_each_refusal_and_nothing_changes(server, app):
    password = add_user(server, "zoe")
    m = logged_in(server, app, "zoe", password)
    m.account_update_credentials(display_name="Zoé", note="Bénévole")
    before = stored(server, "zoe")
    for fields, words in (({"display_name": "x" * 31}, "31 characters, the limit is 30"),
                          ({"display_name": "é" * 30, "note": "n" * 501},
                           "501 characters, the limit is 500"),
                          ({"display_name": "Zoé\nNouvelle"}, "control character"),
                          ({"note": "a\x1b[31m"}, "control character")):
        with pytest.raises(MastodonAPIError) as e:
            m.account_update_credentials(**fields)
        assert e.value.args[1] == 422 and words in e.value.args[3], e.value.args
        assert stored(server, "zoe") == before
    # exactly at the limits, counted in characters not bytes
    assert m.account_update_credentials(display_name="é" * 30)["display_name"] == "é" * 30
    m.account_update_credentials(display_name="Zoé")

    # a picture: refused, saying so, and the name sent with it is not kept either
    with pytest.raises(MastodonAPIError) as e:
        m.account_update_credentials(display_name="Autre", avatar=b"\x89PNG\r\n\x1a\n",
                                     avatar_mime_type="image/png")
    assert e.value.args[1] == 422 and "avatar" in e.value.args[3]
    assert stored(server, "zoe") == before

    token = m.access_token
    url = server.url("/api/v1/accounts/update_credentials")
    r = requests.patch(url, headers={**auth(token), "Content-Type":
                                     "application/x-www-form-urlencoded"},
                       data=b"display_name=Zo%FF", timeout=10)
    assert r.status_code == 422 and "display_name" in r.json()["error"], r.text
    r = requests.patch(url, headers=auth(token), json={"display_name": 7}, timeout=10)
    assert r.status_code == 422 and "display_name" in r.json()["error"], r.text
    r = requests.patch(url, headers={**auth(token), "Content-Type": "application/json"},
                       data=b'{"display_name":', timeout=10)
    assert r.status_code == 400 and "error" in r.json(), r.text
    r = requests.patch(url, data={"display_name": "Sans jeton"}, timeout=10)
    assert r.status_code == 401 and r.json()["error"] == "The access token is invalid"
    reader = logged_in(server, app, "zoe", password, scopes=("read",))
    with pytest.raises(MastodonAPIError) as e:
        reader.account_update_credentials(display_name="Lecture seule")
    assert e.value.args[1] == 403
    assert stored(server, "zoe") == before


def test_the_web_profile_form(server):
    password = add_user(server, "jp")
    # not signed in: to the sign-in page, and back here after
    r = requests.get(server.url("/settings/profile"), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/settings/profile"
    r = requests.post(server.url("/settings/profile"), data={"display_name": "X", "note": ""},
                      timeout=10)
    assert r.status_code == 403

    s = sign_in(server, "jp", password)
    home = s.get(server.url("/"), timeout=10).text
    assert 'href="/settings/profile"' in home  # the header's link
    page = s.get(server.url("/settings/profile"), timeout=10).text
    csrf = FORM_CSRF.search(page).group(1)
    assert 'name="display_name"' in page and 'placeholder="jp"' in page

    r = s.post(server.url("/settings/profile"), allow_redirects=False, timeout=10,
               data={"csrf": csrf, "display_name": "Jean-Pierre Bédard",
                     "note": "Directeur du CLD.\n\nwww.example.org"})
    assert r.status_code == 303 and r.headers["Location"] == "/@jp"
    assert stored(server, "jp")[0] == "Jean-Pierre Bédard"
    profile = s.get(server.url("/@jp"), timeout=10).text
    assert "<h1>Jean-Pierre Bédard</h1>" in profile
    assert ('<div class="note"><p>Directeur du CLD.</p><p><a href="https://www.example.org" '
            'rel="nofollow ugc noopener">www.example.org</a></p></div>') in profile
    page = s.get(server.url("/settings/profile"), timeout=10).text
    assert 'value="Jean-Pierre Bédard"' in page and ">Directeur du CLD.\n\nwww.example.org<" in page

    before = stored(server, "jp")
    # a forged token: refused, nothing changed
    r = s.post(server.url("/settings/profile"), timeout=10,
               data={"csrf": "x" * len(csrf), "display_name": "Pirate", "note": ""})
    assert r.status_code == 403
    # too long: the form again, with what was typed and why, nothing changed
    r = s.post(server.url("/settings/profile"), timeout=10,
               headers={"Accept-Language": "fr"},
               data={"csrf": csrf, "display_name": "J" * 31, "note": "gardée"})
    assert r.status_code == 422
    assert "30 caractères au plus" in r.text and 'value="' + "J" * 31 + '"' in r.text
    assert ">gardée<" in r.text
    # bytes that are not UTF-8: refused, and the page shown back is UTF-8
    r = s.post(server.url("/settings/profile"), timeout=10,
               headers={"Content-Type": "application/x-www-form-urlencoded"},
               data=f"csrf={csrf}&display_name=J%FF&note=".encode())
    assert r.status_code == 422
    r.content.decode("utf-8")
    assert stored(server, "jp") == before


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    stop_browser(driver)


def test_a_person_edits_their_profile_in_a_browser(server, browser):
    password = add_user(server, "lea")
    d = browser
    d.get(server.url("/login"))
    d.find_element(By.ID, "username").send_keys("lea")
    d.find_element(By.ID, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(d, lambda d: d.current_url == server.url("/"))
    d.find_element(By.CSS_SELECTOR, "a.profile-edit").click()
    wait(d, lambda d: d.current_url == server.url("/settings/profile"))
    d.find_element(By.ID, "pf-name").send_keys("Léa Gagnon")
    d.find_element(By.ID, "pf-note").send_keys("Animatrice de la table ronde")
    d.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(d, lambda d: d.current_url == server.url("/@lea"))
    assert d.find_element(By.TAG_NAME, "h1").text == "Léa Gagnon"
    assert d.find_element(By.CSS_SELECTOR, ".profile-head .note").text == \
        "Animatrice de la table ronde"
    assert csp_errors(d) == []
