"""Gate: axe-core finds no accessibility violation on one page of each kind (home, a paper,
a topic, the topics index, listing pages, search, a missing address's 404, and whatever
kinds later features add), in the light and the dark colour scheme, on a phone and a desktop
screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import REPO, REQUIRE_TOOLS, missing, one_page_of_each_kind, page_url

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
MISSING_PAGE = "no/such/page/"  # served with the site's 404.html, as GitHub Pages does


def axe_source() -> str:
    if not AXE.is_file():
        missing(f"{AXE.relative_to(REPO)} is missing (npm ci)", required=REQUIRE_TOOLS)
    return AXE.read_text(encoding="utf-8")


def violations(page, source: str) -> list[str]:
    """axe's violations on the loaded page, one line per rule and element."""
    page.add_script_tag(content=source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        for node in v["nodes"]:
            target = " ".join(map(str, node["target"]))
            summary = node.get("failureSummary", "").replace("\n", " ")
            found.append(f"{v['id']} ({v['impact']}): {target}: {summary}")
    return found


def audit(browser, urls: dict[str, str], scheme: str, width: int) -> list[str]:
    source = axe_source()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, reduced_motion="reduce"
    )
    problems = []
    try:
        for kind, url in urls.items():
            page = context.new_page()
            page.goto(url, wait_until="networkidle")
            page.emulate_media(color_scheme=scheme)
            problems += [f"{kind} {url}: {v}" for v in violations(page, source)]
            page.close()
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_kind_of_page(chromium, bundled_site, scheme, width) -> None:
    pages = one_page_of_each_kind(bundled_site.output)
    assert {"home", "papers/*", "topics", "topics/*", "404.html"} <= pages.keys()
    urls = {kind: page_url(bundled_site.output, p, bundled_site.url) for kind, p in pages.items()}
    urls["404.html"] = bundled_site.url + MISSING_PAGE  # deep, to prove its CSS still loads
    problems = audit(chromium, urls, scheme, width)
    assert problems == [], f"{len(problems)} axe violations ({scheme}, {width}px):\n" + "\n".join(
        problems
    )


def test_axe_finds_a_violation(chromium, tmp_path: Path) -> None:
    """The gate can fail: grey-on-white text, an image without alt text, a nameless button."""
    page = chromium.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint</p><img src="data:,">'
        "<button></button></main></body></html>"
    )
    found = " ".join(violations(page, axe_source()))
    page.close()
    for rule in ("color-contrast", "image-alt", "button-name"):
        assert rule in found
