"""tests/e2e/browser.py - one way to drive Debian's chromium for the browser
tests (test_45, test_52, test_64): start a headless browser with its own
profile, wait for what a person would see, and read what the strict CSP
refused.

The live pages replace an article when the same post arrives again (an edit,
or the replay after a reconnection), so an element found a moment ago may be
gone by the time a test reads it: `wait` treats a stale element as "not yet"
and looks again, as a person's eyes would.
"""
import os
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def start_browser(width=1200, height=900):
    """A headless chromium with a fresh profile; skips when not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"chromium is not installed ({CHROMIUM}): run scripts/install-deps.sh")
    if not os.access(CHROMEDRIVER, os.X_OK):
        pytest.skip(f"chromedriver is not installed ({CHROMEDRIVER}): install chromium-driver")
    profile = tempfile.mkdtemp(prefix="gz-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                f"--window-size={width},{height}", "--hide-scrollbars"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(30)
    driver.profile_dir = profile
    return driver


def stop_browser(driver):
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def wait(driver, what, timeout=15):
    """Polls what(driver) until it is truthy; a stale element means "look again"."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: what(d))


def csp_errors(driver):
    return [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
