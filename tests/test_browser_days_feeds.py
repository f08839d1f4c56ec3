"""Day pages and feeds in a real Chromium, on the seed site served under /repo/."""

from __future__ import annotations

import feedparser
import pytest
from browsing import MARK

pytestmark = MARK


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_reader_browses_by_day(browser, site_url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(site_url)
    page.locator(".browse a", has_text="Browse by day").click()
    page.wait_for_load_state()
    assert page.url == site_url + "daily/"
    assert page.locator('.site-header a[aria-current="page"]').inner_text() == "By day"
    page.locator(".day-list a").first.click()
    page.wait_for_load_state()
    assert page.url == site_url + "daily/2026-03-11/"
    assert page.locator("h1").inner_text() == "Wednesday 11 March 2026"
    assert page.locator("article.card").count() == 20
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first = page.locator(".card-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    page.locator(".paper a.date-link").click()  # the paper's date leads back to its day
    page.wait_for_load_state()
    assert page.url == site_url + "daily/2026-03-11/"
    assert failed == []
    page.close()


def test_subscribe_link_on_a_topic_page_gives_a_valid_feed(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "topics/music-and-audio/")
    href = page.locator("a.subscribe").get_attribute("href")
    assert href == "/repo/topics/music-and-audio/feed.xml"
    response = page.request.get(page.url.split("/repo/")[0] + href)
    assert response.status == 200
    parsed = feedparser.parse(response.body())
    assert not parsed.bozo and parsed.entries
    assert parsed.feed.title.startswith("Music and audio")
    page.close()
