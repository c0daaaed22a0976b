"""tests/e2e/test_45_browser.py - the site in a real browser (Debian's
chromium driven by selenium through chromium-driver, headless): sign in as
the first admin, create an event with the event form, type 141 characters
in the composer and watch the live counter (which asks the server) go
negative and red, then post a short text and find it on the event page,
with its hashtag added. The page's strict CSP must not block anything.

Skips only when chromium or chromedriver is not installed
(scripts/install-deps.sh installs both, and python3-selenium).
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import csp_errors, start_browser, stop_browser, wait


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    stop_browser(driver)


def test_sign_in_create_an_event_and_post_from_the_composer(server, browser):
    d = browser
    # sign in as the first admin
    d.get(server.url("/login"))
    d.find_element(By.ID, "username").send_keys("admin")
    d.find_element(By.ID, "password").send_keys(server.admin_password)
    d.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(d, lambda d: d.current_url == server.url("/"))
    assert d.find_element(By.CSS_SELECTOR, ".whoami").text in ("Connecté : admin",
                                                              "Signed in as admin")

    # create an event through the form, from the home page's link
    d.find_element(By.CSS_SELECTOR, 'a[href="/events/new"]').click()
    wait(d, lambda d: d.current_url == server.url("/events/new"))
    d.find_element(By.ID, "ev-title").send_keys("Coopérer dans les territoires")
    d.find_element(By.ID, "ev-slug").send_keys("navigateur")
    d.find_element(By.ID, "ev-hashtag").send_keys("innover")
    d.find_element(By.ID, "ev-venue").send_keys("La Nef")
    Select(d.find_element(By.ID, "ev-lang")).select_by_value("fr")
    Select(d.find_element(By.ID, "ev-state")).select_by_value("live")
    d.find_element(By.CSS_SELECTOR, "form.fields button[type=submit]").click()
    wait(d, lambda d: d.current_url == server.url("/e/navigateur"))
    assert "Coopérer dans les territoires" in d.find_element(By.TAG_NAME, "h1").text

    # 132 characters and the " #innover" the composer appends: the server's
    # count, shown live, goes negative and red
    text = d.find_element(By.ID, "compose-text")
    remaining = d.find_element(By.CSS_SELECTOR, "form.composer .remaining")
    counter = d.find_element(By.CSS_SELECTOR, "form.composer .counter")
    assert remaining.text == "140"
    text.send_keys("x" * 132)
    wait(d, lambda d: remaining.text == "-1")
    assert "over" in counter.get_attribute("class").split()
    assert remaining.value_of_css_property("color") in ("rgba(198, 40, 40, 1)",
                                                        "rgb(198, 40, 40)")

    # a short text instead, from the audience, posted
    text.clear()
    text.send_keys("Bonjour de la salle")
    wait(d, lambda d: remaining.text == str(140 - len("Bonjour de la salle #innover")))
    assert "over" not in counter.get_attribute("class").split()
    Select(d.find_element(By.ID, "compose-speaker")).select_by_value("audience")
    d.find_element(By.CSS_SELECTOR, "form.composer button[type=submit]").click()
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "article.post"))
    assert d.current_url == server.url("/e/navigateur")
    [post] = d.find_elements(By.CSS_SELECTOR, "article.post")
    assert post.find_element(By.CSS_SELECTOR, ".text").text == "Bonjour de la salle #innover"
    assert post.find_element(By.CSS_SELECTOR, ".speaker").text == "Commentaire de l'assemblée"
    assert csp_errors(d) == []
