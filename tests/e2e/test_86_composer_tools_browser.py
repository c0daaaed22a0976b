"""tests/e2e/test_86_composer_tools_browser.py - the composer's "Raccourcir"
(Shorten) and "Découper en fil" (Split) buttons in a real browser
(Debian's chromium, headless, through chromium-driver and selenium), with
/static/tools.js at work.

An editor signs in through /login and opens a live event of the round
table. A sentence 30-odd characters over the limit, Shorten: a proposal
appears under the text with the changed words marked (<mark>, the whole
word in its title), nothing is posted and the text box is untouched until
"Utiliser" puts the proposal in it; the server's counter then says it
fits, and it posts as it was shown. A long paragraph, Split: the parts
are listed, numbered, each within the limit and with the hashtag;
"Publier le fil" posts them in order and the page shows every part. A
text that no abbreviation can fit says so. Dismissing closes the panel.
The strict CSP blocks nothing.

Skips only when chromium or chromedriver is not installed
(scripts/install-deps.sh installs both, and python3-selenium).
"""
import pytest
import requests
from selenium.webdriver.common.by import By

import reference
from test_64_comments_browser import (add_member, csp_errors, sign_in, start_browser,
                                     stop_browser, wait)

SLUG = "outils-navigateur"
LONG = ("Jacques Beaudet: le développement économique des communautés passe par la "
        "participation citoyenne et la coopération entre les organisations du territoire")
PARAGRAPH = ("Francine Barbeau: Nous avons parlé de coopération pendant deux heures. "
             "Les panélistes ont raconté comment leurs organisations travaillent ensemble "
             "depuis des années, parfois sans le savoir. La salle a posé des questions sur "
             "le financement, sur la relève et sur la place des jeunes. Tout le monde "
             "repart avec des idées pour la suite.")


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    stop_browser(driver)


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def proposal(d):
    found = d.find_elements(By.CSS_SELECTOR, "form.composer .proposal")
    return found[0] if found else None


def tool(d, label):
    [b] = [b for b in d.find_elements(By.CSS_SELECTOR, "form.composer .composer-tools button")
           if b.text == label]
    return b


def posts(server):
    """The event's posts, oldest first (the API lists the newest first)."""
    r = requests.get(server.url(f"/api/v1/events/{SLUG}/posts"), timeout=10)
    assert r.status_code == 200, r.text
    return [p["text"] for p in reversed(r.json())]


def test_shorten_and_split_from_the_composer(server, browser):
    d = browser
    secret = add_member(server, "outils", "editor")
    editor = server.token("outils")
    r = requests.post(server.url("/api/v1/events"), json=reference.event_document(SLUG),
                      headers=auth(editor), timeout=10)
    assert r.status_code == 201, r.text
    sign_in(server, d, "outils", secret)
    d.get(server.url(f"/e/{SLUG}"))
    text = d.find_element(By.ID, "compose-text")
    remaining = d.find_element(By.CSS_SELECTOR, "form.composer .remaining")
    buttons = wait(d, lambda d: d.find_elements(
        By.CSS_SELECTOR, "form.composer .composer-tools button"))
    assert [b.text for b in buttons] == ["Raccourcir", "Découper en fil"]

    # Shorten: a proposal with the changed words marked; the text box unchanged
    text.send_keys(LONG)
    wait(d, lambda d: int(remaining.text) < 0)
    tool(d, "Raccourcir").click()
    panel = wait(d, proposal)
    marks = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "form.composer .proposal mark"))
    shortened = panel.find_element(By.CSS_SELECTOR, "p").text
    assert len(shortened) < len(LONG)
    for m in marks:
        assert m.text.endswith("."), m.text            # truncation ends with a period
        assert m.get_attribute("title").startswith(m.text[:-1]), m.text
        assert m.get_attribute("title") in LONG
    assert shortened.startswith("Jacques Beaudet:")     # a name is never touched
    assert text.get_attribute("value") == LONG
    assert posts(server) == []
    # "Utiliser": the proposal goes into the text box and the counter agrees
    [use] = [b for b in panel.find_elements(By.TAG_NAME, "button") if b.text == "Utiliser"]
    use.click()
    wait(d, lambda d: proposal(d) is None)
    assert text.get_attribute("value") == shortened
    wait(d, lambda d: int(remaining.text) >= 0)
    d.find_element(By.CSS_SELECTOR, "form.composer button[type=submit]").click()
    wait(d, lambda d: posts(server) != [])
    assert posts(server) == [shortened + " #innover"]

    # Split: numbered parts, each within the limit, posted in order as a thread
    d.get(server.url(f"/e/{SLUG}"))
    text = d.find_element(By.ID, "compose-text")
    text.send_keys(PARAGRAPH)
    tool(d, "Découper en fil").click()
    panel = wait(d, proposal)
    parts = [li.text for li in panel.find_elements(By.CSS_SELECTOR, "ol li")]
    assert len(parts) >= 3
    for i, part in enumerate(parts, 1):
        assert part.startswith("Francine Barbeau:"), part
        assert f"{i}/{len(parts)}" in part
        assert "#innover" in part
        counted = requests.post(server.url("/api/v1/text/count"), json={"text": part},
                                timeout=10).json()
        assert counted["weighted_length"] <= 140, part
    [post_thread] = [b for b in panel.find_elements(By.TAG_NAME, "button")
                     if b.text == "Publier le fil"]
    post_thread.click()
    wait(d, lambda d: len(posts(server)) == 1 + len(parts), timeout=20)
    assert posts(server)[1:] == parts
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "article.post")) == 1 + len(parts))

    # a text that no abbreviation can fit: said, and the best try shown
    text = d.find_element(By.ID, "compose-text")
    text.send_keys("Jacques Beaudet " * 12)
    tool(d, "Raccourcir").click()
    panel = wait(d, lambda d: proposal(d) if proposal(d) and proposal(d).find_elements(
        By.CSS_SELECTOR, ".error") else None)
    assert "dépasse la limite" in panel.find_element(By.CSS_SELECTOR, ".error").text
    assert not [b for b in panel.find_elements(By.TAG_NAME, "button") if b.text == "Utiliser"]
    [dismiss] = [b for b in panel.find_elements(By.TAG_NAME, "button") if b.text == "Fermer"]
    dismiss.click()
    wait(d, lambda d: proposal(d) is None)
    assert len(posts(server)) == 1 + len(parts)
    assert csp_errors(d) == []
