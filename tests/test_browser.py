"""The built seed site in a real Chromium, served under /repo/ as GitHub Pages would."""

from __future__ import annotations

import pytest
from browsing import MARK

pytestmark = MARK


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_reader_walks_home_to_paper_to_topic(browser, site_url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(site_url)
    first = page.locator(".card-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.url.startswith(site_url + "papers/") and page.url.endswith("/")
    # Styles loaded (fingerprinted CSS under the sub-path) and nothing wider than the screen.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    topic = page.locator(".chips a").first
    name = topic.inner_text()
    topic.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == name
    assert page.locator(".card-title a", has_text=title).count() == 1
    assert failed == []
    page.close()


def test_unknown_address_shows_the_404_page_styled(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "404.html")
    assert page.locator("h1").inner_text() == "Page not found"
    page.locator("a", has_text="Browse all papers").click()
    page.wait_for_load_state()
    assert page.url == site_url
    page.close()
