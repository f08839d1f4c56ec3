"""Math in a real Chromium: MathML made at build time renders with no script, and a wide
formula scrolls inside itself on a phone instead of widening the page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import MARK, served_site

MATH_SITE = Path(__file__).resolve().parent / "sites" / "math"

pytestmark = MARK


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("math") / "site"
    shutil.copytree(MATH_SITE, site)
    with served_site(site, tmp_path_factory.mktemp("www")) as url:
        yield url


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
