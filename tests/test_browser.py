"""The built seed site in a real Chromium, served under /repo/ as GitHub Pages would."""

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
