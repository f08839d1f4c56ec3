"""Reading comfort in a real Chromium, site served under /repo/: dark mode and its toggle, print,
the skip link and keyboard focus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsing import MARK, REPO, served_site

PAPER = "papers/ddsp-differentiable-digital-signal-processing/"
LIGHT_BG, DARK_BG, WHITE = "rgb(253, 253, 252)", "rgb(21, 23, 27)", "rgb(255, 255, 255)"

pytestmark = MARK


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This repository's own site (site.yaml and content/)."""
    with served_site(REPO, tmp_path_factory.mktemp("www")) as url:
        yield url


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_without_js_the_system_preference_applies(browser, site_url: str) -> None:
    context = browser.new_context(color_scheme="dark", java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAPER)
    assert background(page) == DARK_BG
    assert not page.locator(".theme-toggle").is_visible()  # it could not work
    context.close()


def test_toggle_switches_and_remembers_the_choice(browser, site_url: str) -> None:
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(site_url + PAPER)
    toggle = page.locator(".theme-toggle")
    assert background(page) == LIGHT_BG
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert background(page) == DARK_BG
    assert toggle.get_attribute("aria-pressed") == "true"
    # Remembered on the next page, set on <html> before <body> is parsed: no flash of light.
    page.add_init_script(
        "new MutationObserver((_, o) => { if (document.body) { window.themeAtBody ="
        " document.documentElement.dataset.theme; o.disconnect(); } })"
        ".observe(document, {childList: true, subtree: true});"
    )
    page.goto(site_url)
    assert page.evaluate("window.themeAtBody") == "dark"
    assert background(page) == DARK_BG
    assert page.locator(".theme-toggle").get_attribute("aria-pressed") == "true"
    # Choosing what the system says forgets the choice: the page follows the system again.
    page.locator(".theme-toggle").click()
    assert background(page) == LIGHT_BG
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("document.documentElement.hasAttribute('data-theme')") is False
    assert failed == []
    assert any(
        "/repo/static/theme." in r
        for r in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    )
    context.close()


def test_a_light_choice_wins_over_a_dark_system(browser, site_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url)
    assert background(page) == DARK_BG
    page.locator(".theme-toggle").click()
    assert background(page) == LIGHT_BG
    page.reload()
    assert background(page) == LIGHT_BG
    assert page.locator(".theme-toggle").get_attribute("aria-pressed") == "false"
    context.close()


def test_print_is_black_on_white_without_navigation(browser, site_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + PAPER)
    page.emulate_media(media="print")
    assert background(page) == WHITE
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    for hidden in (".site-header nav", ".site-footer", ".prev-next", ".theme-toggle"):
        assert not page.locator(hidden).is_visible(), hidden
    badge = page.locator(".badges a").first
    after = badge.evaluate("a => getComputedStyle(a, '::after').content")
    assert badge.get_attribute("href") in after
    chip_after = page.locator(".chips a").first.evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert chip_after in ("none", "normal")  # internal links print as they are
    context.close()


def test_skip_link_and_visible_focus_by_keyboard(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(site_url + PAPER)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen when focused
    assert skip.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main", timeout=5000)  # the jump can land after the key event returns
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    # The next stop is inside the content, past the header links.
    assert page.evaluate("document.activeElement.closest('main') !== null")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert focused == "3px"
    page.close()
