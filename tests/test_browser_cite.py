"""Related papers and "Copy BibTeX" in a real Chromium, site served under /repo/."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[1]
PAPER = "papers/musecoco-generating-symbolic-music-from-text/"

pytestmark = pytest.mark.browser
if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER"):  # CI: no silent skips
    import playwright.sync_api as sync_api

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing"
else:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("site")
    root = tmp_path_factory.mktemp("www")
    dump = REPO / "data" / "daily-papers.txt"
    assert main(["--site", str(site), "ingest", str(dump), "--year", "2026", "-q"]) == 0
    args = ["--site", str(site), "build", "--base-url", "https://u.github.io/repo/"]
    assert main([*args, "--output", str(root / "repo")]) == 0
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # 127.0.0.1 is a secure context, so navigator.clipboard exists as on GitHub Pages (https).
    yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


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
