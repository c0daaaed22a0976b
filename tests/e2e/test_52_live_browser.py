"""tests/e2e/test_52_live_browser.py - the live pages in real browsers
(Debian's chromium, headless, driven by selenium through chromium-driver).

The wall open in one browser, a post made from the composer in another
(signed in, with its speaker) appears on the wall within 2 seconds, speaker
and all, with no scrollbar and the QR code showing; a screenshot of the wall
is saved in $GAZOUILLIS_ARTIFACTS (build/test-artifacts by `make test`; never
committed). Then the event page of an anonymous reader: a post arrives on
top with its highlight; scrolled down, new posts wait behind an "N new
posts" bar instead of moving the page; an edit and a deletion apply in
place. The strict CSP must block nothing.
"""
import os
import tempfile
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import reference
from browser import csp_errors, start_browser, stop_browser, wait

@pytest.fixture(scope="module")
def two_browsers():
    wall = start_browser(1920, 1080)
    author = start_browser(1200, 900)
    yield wall, author
    stop_browser(wall)
    stop_browser(author)


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_post_from_the_composer_reaches_the_wall_within_two_seconds(server, two_browsers):
    wall, author = two_browsers
    token = server.token("admin")
    doc = dict(reference.event_document("mur"), state="live")
    assert requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token),
                         timeout=10).status_code == 201

    wall.get(server.url("/e/mur/wall"))
    assert wall.find_element(By.CSS_SELECTOR, ".wall-tag").text == "#innover"
    assert wall.find_element(By.CSS_SELECTOR, ".wall-join svg")  # the QR code
    assert wall.find_element(By.CSS_SELECTOR, ".wall-url").text.endswith("/e/mur")
    assert wall.find_element(By.CSS_SELECTOR, ".wall-clock").text
    # full screen: nothing to scroll
    assert wall.execute_script("return document.documentElement.scrollHeight") <= 1080
    assert wall.execute_script("return document.documentElement.scrollWidth") <= 1920

    author.get(server.url("/login"))
    author.find_element(By.ID, "username").send_keys("admin")
    author.find_element(By.ID, "password").send_keys(server.admin_password)
    author.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(author, lambda d: d.current_url == server.url("/"))
    author.get(server.url("/e/mur"))
    text = "il faut travailler ensemble pour changer d'échelle"
    author.find_element(By.ID, "compose-text").send_keys(text)
    Select(author.find_element(By.ID, "compose-speaker")).select_by_visible_text("Jacques Beaudet")
    # let the stream settle (the page opened it on load)
    time.sleep(0.5)
    t0 = time.monotonic()
    author.find_element(By.CSS_SELECTOR, "form.composer button[type=submit]").click()
    wait(wall, lambda d: any(text in a.text for a in d.find_elements(By.CSS_SELECTOR,
                                                                     ".wall .post")), timeout=10)
    elapsed = time.monotonic() - t0
    assert elapsed < 2.0, f"the post took {elapsed:.2f} s to reach the wall"

    def shown(d):  # read in one go: the wall may replace the article meanwhile
        post = next(a for a in d.find_elements(By.CSS_SELECTOR, ".wall .post") if text in a.text)
        return (post.find_element(By.CSS_SELECTOR, ".speaker").text,
                post.find_element(By.CSS_SELECTOR, ".text").text)

    speaker, said = wait(wall, shown)
    assert speaker == "Jacques Beaudet"
    assert "#innover" in said
    assert wall.execute_script("return document.documentElement.scrollHeight") <= 1080
    # more posts than the wall holds: the oldest leave, nothing overflows
    for i in range(8):
        requests.post(server.url("/api/v1/events/mur/posts"), json={"text": f"suite {i}"},
                      headers=auth(token), timeout=10)
    wait(wall, lambda d: "suite 7" in d.find_element(By.CSS_SELECTOR, ".wall-feed").text)
    assert len(wall.find_elements(By.CSS_SELECTOR, ".wall .post")) <= 6
    time.sleep(1)  # the slide-in animation ends
    shots = os.environ.get("GAZOUILLIS_ARTIFACTS", os.path.join(tempfile.gettempdir(),
                                                                "gazouillis-artifacts"))
    os.makedirs(shots, exist_ok=True)
    assert wall.save_screenshot(os.path.join(shots, "wall.png"))
    wall.get(server.url("/e/mur/wall?theme=light"))
    assert "light" in wall.find_element(By.TAG_NAME, "body").get_attribute("class")
    assert wall.save_screenshot(os.path.join(shots, "wall-light.png"))
    assert csp_errors(wall) == [] and csp_errors(author) == []


def test_the_event_page_updates_itself(server, two_browsers):
    reader, _ = two_browsers
    token = server.token("admin")
    doc = dict(reference.event_document("page-vivante"), state="live")
    assert requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token),
                         timeout=10).status_code == 201
    url = server.url("/api/v1/events/page-vivante/posts")
    for i in range(30):  # a page long enough to scroll
        requests.post(url, json={"text": f"déjà là {i}"}, headers=auth(token), timeout=10)
    reader.set_window_size(1200, 900)
    reader.get(server.url("/e/page-vivante"))
    first = requests.post(url, json={"text": "tout neuf"}, headers=auth(token), timeout=10).json()

    def top_post(d):  # read in one go: the page may replace the article meanwhile
        top = d.find_element(By.CSS_SELECTOR, ".timeline .posts .post")
        return "tout neuf" in top.text and (top.get_attribute("id"), top.get_attribute("class"))

    top_id, top_class = wait(reader, top_post)
    assert top_id == "p" + first["id"]
    assert "fresh" in top_class
    # an edit applies in place
    requests.patch(server.url(f"/api/v1/posts/{first['id']}"), json={"text": "tout neuf, corrigé"},
                   headers=auth(token), timeout=10)
    wait(reader, lambda d: "corrigé" in d.find_element(By.ID, "p" + first["id"]).text)
    # scrolled down: the page does not move, a bar counts what waits
    reader.execute_script("window.scrollTo(0, 1200)")
    y = reader.execute_script("return window.scrollY")
    for text in ("pendant la lecture 1", "pendant la lecture 2"):
        requests.post(url, json={"text": text}, headers=auth(token), timeout=10)
    bar = wait(reader, lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR,
                                                                   "button.new-posts")
                                       if b.is_displayed() and b.text.startswith("2")), None))
    assert reader.execute_script("return window.scrollY") == y
    assert "pendant la lecture" not in reader.find_element(By.CSS_SELECTOR, ".timeline").text
    bar.click()
    wait(reader, lambda d: "pendant la lecture 2" in
         d.find_element(By.CSS_SELECTOR, ".timeline .posts .post").text)
    # a deletion applies in place
    assert requests.delete(server.url(f"/api/v1/posts/{first['id']}"), headers=auth(token),
                           timeout=10).status_code == 204
    wait(reader, lambda d: not d.find_elements(By.ID, "p" + first["id"]))
    assert csp_errors(reader) == []


def sign_in(driver, server, username, password):
    driver.delete_all_cookies()
    driver.get(server.url("/login"))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(driver, lambda d: d.current_url == server.url("/"))


def test_the_moderation_queue_in_the_browser(server, two_browsers):
    editor, member = two_browsers
    token = server.token("admin")
    r = server.cli("user", "add", "mathilde", "--role", "member")
    assert r.returncode == 0, r
    password = r.stdout.decode().split("password:")[-1].split()[0]
    doc = dict(reference.event_document("questions"), state="live", audience_posts=True,
               moderation=True)
    assert requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token),
                         timeout=10).status_code == 201
    sign_in(editor, server, "admin", server.admin_password)
    editor.get(server.url("/e/questions/moderate"))
    assert editor.find_element(By.CSS_SELECTOR, ".moderation .empty")

    # a member posts from the floor, with the composer (no speaker picker)
    sign_in(member, server, "mathilde", password)
    member.get(server.url("/e/questions"))
    assert not member.find_elements(By.ID, "compose-speaker")
    member.find_element(By.ID, "compose-text").send_keys("Et les jeunes dans tout ça ?")
    member.find_element(By.CSS_SELECTOR, "form.composer button[type=submit]").click()
    wait(member, lambda d: "sent=pending" in d.current_url)
    assert member.find_element(By.CSS_SELECTOR, ".notice").text
    assert "Et les jeunes" not in member.find_element(By.CSS_SELECTOR, ".timeline").text

    # it appears in the editor's queue by itself; one click approves it
    def approve_from_the_floor(d):
        item = next((a for a in d.find_elements(By.CSS_SELECTOR, ".moderation .post")
                     if "Et les jeunes" in a.text), None)
        if item is None:
            return False
        assert item.find_element(By.CSS_SELECTOR, ".speaker.audience").text  # from the floor
        item.find_element(By.CSS_SELECTOR, "button.approve").click()
        return True

    wait(editor, approve_from_the_floor, timeout=5)
    wait(editor, lambda d: d.current_url == server.url("/e/questions/moderate"))
    wait(editor, lambda d: "Et les jeunes" not in d.find_element(By.CSS_SELECTOR,
                                                                  ".moderation").text)
    member.get(server.url("/e/questions"))
    assert "Et les jeunes" in member.find_element(By.CSS_SELECTOR, ".timeline").text

    # a member cannot open the queue, nor approve with a forged token
    member.get(server.url("/e/questions/moderate"))
    assert "Et les jeunes" not in member.page_source
    s = requests.Session()
    r = s.post(server.url("/posts/1/approve"), data={"csrf": "forged"}, timeout=10)
    assert r.status_code == 403
    assert csp_errors(editor) == [] and csp_errors(member) == []


def test_the_wall_recovers_after_a_server_restart(gazouillis_asan, tmp_path, two_browsers):
    from conftest import Server
    wall, _ = two_browsers
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log")
    try:
        token = srv.token("admin")
        doc = dict(reference.event_document("reprise"), state="live")
        assert requests.post(srv.url("/api/v1/events"), json=doc, headers=auth(token),
                             timeout=10).status_code == 201
        wall.get(srv.url("/e/reprise/wall"))
        requests.post(srv.url("/api/v1/events/reprise/posts"), json={"text": "avant"},
                      headers=auth(token), timeout=10)
        wait(wall, lambda d: "avant" in d.find_element(By.CSS_SELECTOR, ".wall-feed").text)
        assert srv.stop() == 0
        # the wifi, or the server, is gone for a moment; the wall stays up
        time.sleep(2)
        srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "server.log", port=srv.port)
        requests.post(srv.url("/api/v1/events/reprise/posts"), json={"text": "après la reprise"},
                      headers=auth(token), timeout=10)
        wait(wall, lambda d: "après la reprise" in
             d.find_element(By.CSS_SELECTOR, ".wall-feed").text, timeout=20)
        assert wall.find_element(By.CSS_SELECTOR, ".wall-feed").text.count("avant") == 1
    finally:
        srv.stop()
