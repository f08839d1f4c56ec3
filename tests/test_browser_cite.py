"""Related papers and "Copy BibTeX" in a real Chromium, site served under /repo/."""

from __future__ import annotations

import pytest
from browsing import MARK, sync_api

PAPER = "papers/musecoco-generating-symbolic-music-from-text/"

pytestmark = MARK


def test_copy_bibtex_puts_the_entry_on_the_clipboard(browser, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_url + PAPER)
    button = page.locator("section.cite button")
    sync_api.expect(button).to_have_text("Copy BibTeX")
    assert button.is_visible()
    entry = page.locator("section.cite pre").inner_text()
    assert entry.startswith("@misc{")
    button.click()
    sync_api.expect(page.locator(".copy-status")).to_have_text("BibTeX copied to the clipboard")
    sync_api.expect(button).to_have_text("Copied!")
    assert page.evaluate("navigator.clipboard.readText()") == page.evaluate(
        "document.querySelector('section.cite pre').textContent"
    )
    sync_api.expect(button).to_have_text("Copy BibTeX", timeout=5000)  # label comes back
    assert errors == []
    context.close()


def test_without_clipboard_api_the_entry_is_still_copied_or_selected(browser, site_url) -> None:
    context = browser.new_context()
    # An old browser or a page over plain http: no navigator.clipboard at all.
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site_url + PAPER)
    page.get_by_role("button", name="Copy BibTeX").click()
    status = page.locator(".copy-status")
    sync_api.expect(status).not_to_have_text("")
    if "copied" not in status.inner_text():
        selected = page.evaluate("String(window.getSelection())")
        assert selected.strip() == page.locator("section.cite pre").inner_text().strip()
    assert errors == []
    context.close()


def test_without_javascript_there_is_no_dead_button(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAPER)
    assert not page.locator("section.cite button").is_visible()
    assert page.locator("section.cite pre").is_visible()
    download = page.get_by_role("link", name="Download .bib")
    assert download.is_visible()
    origin = site_url.removesuffix("/repo/")
    response = page.request.get(origin + download.get_attribute("href"))
    assert response.ok and response.text().lstrip().startswith("% Encoding: UTF-8")
    context.close()


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_bibtex_scrolls_inside_its_box_and_never_widens_the_page(browser, site_url, width) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site_url + PAPER)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    pre = page.locator("section.cite pre")
    assert pre.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    if width == 390:  # the permalink line is longer than a phone is wide
        assert pre.evaluate("e => e.scrollWidth > e.clientWidth")
    box = pre.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.close()


def test_related_links_lead_to_the_papers_they_name(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + PAPER)
    links = page.locator("section.related li a")
    assert links.count() == 5
    title = links.nth(0).inner_text()
    links.nth(0).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.url.startswith(site_url + "papers/")
    page.close()
