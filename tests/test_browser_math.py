"""Math in a real Chromium: MathML made at build time renders with no script, and a wide
formula scrolls inside itself on a phone instead of widening the page."""

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
MATH_SITE = Path(__file__).resolve().parent / "sites" / "math"

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
    site = tmp_path_factory.mktemp("math") / "site"
    shutil.copytree(MATH_SITE, site)
    root = tmp_path_factory.mktemp("www")
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


BOXES = """sel => [...document.querySelectorAll(sel)].map(el => {
  const r = el.getBoundingClientRect();
  return {width: r.width, height: r.height, scroll: el.scrollWidth, client: el.clientWidth};
})"""


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_math_renders_with_a_size(browser, site_url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=True)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(site_url + "papers/linear-attention/")
    # no math script: only the theme's own files and the JSON-LD data block
    srcs = page.evaluate("[...document.scripts].map(s => s.src || s.type)")
    assert all(s == "application/ld+json" or "/repo/static/" in s for s in srcs), srcs
    assert not any("math" in s.lower() or "katex" in s.lower() for s in srcs), srcs
    heading = page.evaluate(BOXES, "h1 math")
    inline = page.evaluate(BOXES, ".abstract math[display=inline]")
    block = page.evaluate(BOXES, ".abstract math[display=block]")
    assert len(heading) == 2 and len(inline) == 2 and len(block) == 1
    for box in heading + inline + block:
        assert box["width"] > 5 and box["height"] > 5, box
    # The TeX annotation is for copy and search tools: it takes no room on the page.
    annotations = page.evaluate(BOXES, "math annotation")
    assert annotations and all(a["width"] == 0 for a in annotations)
    # A fraction-like layout, not a line of text: the square root sits in the heading.
    assert page.evaluate("document.querySelector('h1 msqrt').getBoundingClientRect().width") > 5
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert failed == []
    page.close()


def test_wide_display_math_scrolls_on_a_phone(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(site_url + "papers/linear-attention/")
    (block,) = page.evaluate(BOXES, ".abstract math[display=block]")
    assert block["scroll"] > block["client"]  # the formula is wider than the screen...
    assert block["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # ...the page is not
    scrolled = page.evaluate(
        """() => { const m = document.querySelector('.abstract math[display=block]');
                   m.scrollLeft = 100; return m.scrollLeft; }"""
    )
    assert scrolled > 0
    page.close()


def test_cards_show_math_in_titles_and_summaries(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(site_url)
    title = page.evaluate(BOXES, ".card-title math")
    summary = page.evaluate(BOXES, ".summary math")
    assert title and summary
    assert all(b["width"] > 5 and b["height"] > 5 for b in title + summary)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
