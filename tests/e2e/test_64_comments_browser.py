"""tests/e2e/test_64_comments_browser.py - the recap's comments in a real
browser (Debian's chromium, headless, driven by selenium through
chromium-driver), with /static/comments.js at work.

An editor makes an event open to members' comments, with one comment by
a member. Another member signs in through the /login page, opens the
recap and clicks "Répondre": the script moves the form under that comment
without any navigation; the reply, typed and sent, is then shown nested
under the comment and the heading says "2 réflexions". The like button of
the first comment turns the count from 0 to 1 and presses the button
without reloading the page, and the like is stored: it survives a reload
and a third member, in a browser of their own, sees the count at 1. A
screenshot goes to $GAZOUILLIS_ARTIFACTS. The strict CSP must block
nothing.

Skips only when chromium or chromedriver is not installed
(scripts/install-deps.sh installs both, and python3-selenium).
"""
import os
import re
import tempfile

import pytest
import requests
from selenium.webdriver.common.by import By

import reference
from browser import csp_errors, start_browser, stop_browser, wait

ADDED = re.compile(r"with password: (\S+)")
SLUG = "reflexions-navigateur"


@pytest.fixture(scope="module")
def browsers():
    """Two browsers: the member who replies and likes, and another member."""
    first = start_browser()
    try:
        second = start_browser()
    except BaseException:
        stop_browser(first)
        raise
    yield first, second
    stop_browser(first)
    stop_browser(second)


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def add_member(server, name, role="member"):
    r = server.cli("user", "add", name, "--role", role)
    assert r.returncode == 0, r
    return ADDED.search(r.stdout.decode()).group(1)


def sign_in(server, driver, name, password):
    """Signs in through the /login page, as a person would."""
    driver.get(server.url("/login"))
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(driver, lambda d: d.current_url == server.url("/"))


def marker(driver):
    return driver.execute_script("return window.__marker === undefined ? null : window.__marker")


def likes(driver, cid):
    """(count, aria-pressed, button text) of the like form of comment cid itself."""
    return driver.execute_script(
        "var f = document.querySelector('#c' + arguments[0] + ' > article form.like');"
        "if (!f) return null;"
        "var b = f.querySelector('button');"
        "return [f.querySelector('.likes-count').textContent, b.getAttribute('aria-pressed'),"
        "        b.textContent];", cid)


def test_reply_and_like_without_reloading(server, browsers):
    d, other = browsers
    editor = server.user("edith", "editor")
    doc = dict(reference.event_document(SLUG), state="live", comment_policy="members")
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(editor), timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(server.url(f"/api/v1/events/{SLUG}/posts"),
                      json={"text": "Il faut travailler ensemble."}, headers=auth(editor),
                      timeout=10)
    assert r.status_code == 201, r.text
    r = requests.patch(server.url(f"/api/v1/events/{SLUG}"), json={"state": "published"},
                       headers=auth(editor), timeout=10)
    assert r.status_code == 200, r.text
    # one comment, by another member
    add_member(server, "alice")
    r = requests.post(server.url(f"/api/v1/events/{SLUG}/comments"),
                      json={"body": "Qui prend la suite ?"}, headers=auth(server.token("alice")),
                      timeout=10)
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    bruno = add_member(server, "bruno")
    chloe = add_member(server, "chloe")

    # a member signs in through the page and opens the recap
    sign_in(server, d, "bruno", bruno)
    recap = server.url(f"/e/{SLUG}/recap")
    d.get(recap)
    assert d.find_element(By.CSS_SELECTOR, "#comments > h2").text == "1 réflexion"
    form = d.find_element(By.ID, "comment-form")
    assert form.tag_name == "form"
    assert d.execute_script("return arguments[0].closest('li')", form) is None
    assert likes(d, first) == ["0", "false", "J’aime"]

    # "Répondre": the form moves under the comment, no navigation
    d.execute_script("window.__marker = 1")
    reply = d.find_element(By.CSS_SELECTOR, f"#c{first} > article a.reply")
    assert reply.text == "Répondre"
    reply.click()
    wait(d, lambda d: d.execute_script(
        "var f = document.getElementById('comment-form'), li = f && f.closest('li');"
        "return li ? li.id : null") == f"c{first}")
    assert d.current_url == recap
    assert marker(d) == 1
    form = d.find_element(By.ID, "comment-form")
    assert form.find_element(By.CSS_SELECTOR, "input[name=parent_id]").get_attribute(
        "value") == first
    title = form.find_element(By.TAG_NAME, "h3")
    assert title.get_attribute("textContent") == "Répondre à alice"  # the CSS shows capitals
    assert len(d.find_elements(By.ID, "comment-form")) == 1

    # type the reply and send it
    text = form.find_element(By.CSS_SELECTOR, "textarea[name=body]")
    assert d.switch_to.active_element == text
    text.send_keys("Moi, dès lundi.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: re.fullmatch(re.escape(recap) + r"#c\d+", d.current_url))
    answer = d.current_url.rsplit("#c", 1)[1]
    nested = wait(d, lambda d: d.find_elements(
        By.CSS_SELECTOR, f"#c{first} > ol.replies > li#c{answer}"))
    assert nested[0].find_element(By.CSS_SELECTOR, ".comment-body").text == "Moi, dès lundi."
    assert nested[0].find_element(By.CSS_SELECTOR, ".author").text == "bruno"
    assert d.find_element(By.CSS_SELECTOR, "#comments > h2").text == "2 réflexions"
    # and the form is back at the bottom of the section, empty, for a new comment
    form = d.find_element(By.ID, "comment-form")
    assert d.execute_script("return arguments[0].closest('li')", form) is None

    # "J’aime" on the first comment: the count and the button change in place
    assert likes(d, first) == ["0", "false", "J’aime"]
    d.execute_script("window.__marker = 2")
    url = d.current_url
    d.find_element(By.CSS_SELECTOR, f"#c{first} > article form.like button").click()
    wait(d, lambda d: likes(d, first) == ["1", "true", "Vous aimez"])
    assert marker(d) == 2 and d.current_url == url  # no reload, no navigation
    assert likes(d, answer) == ["0", "false", "J’aime"]

    # stored: a reload shows it, and so does another member's browser
    d.refresh()
    wait(d, lambda d: marker(d) is None)
    assert likes(d, first) == ["1", "true", "Vous aimez"]
    sign_in(server, other, "chloe", chloe)
    other.get(recap)
    assert likes(other, first) == ["1", "false", "J’aime"]
    assert other.find_elements(By.CSS_SELECTOR, f"#c{first} > ol.replies > li#c{answer}")
    assert other.find_element(By.CSS_SELECTOR, "#comments > h2").text == "2 réflexions"
    listed = requests.get(server.url(f"/api/v1/events/{SLUG}/comments"), timeout=10).json()
    assert [(c["id"], c["parent_id"], c["likes"]) for c in listed] == [
        (first, None, 1), (answer, first, 0)]

    d.execute_script("document.getElementById('c' + arguments[0]).scrollIntoView()", first)
    shots = os.environ.get("GAZOUILLIS_ARTIFACTS", os.path.join(tempfile.gettempdir(),
                                                                "gazouillis-artifacts"))
    os.makedirs(shots, exist_ok=True)
    assert d.save_screenshot(os.path.join(shots, "comments.png"))
    assert csp_errors(d) == [] and csp_errors(other) == []
