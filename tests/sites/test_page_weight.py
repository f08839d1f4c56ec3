"""Page weight budget: a paper page must stay light on a phone on a slow connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import REPO, run_cli

BASE_PATH = "/repo/"
BUDGET = 30_000  # bytes, uncompressed: a paper page's HTML plus every stylesheet it loads
BLOCKING_JS_BUDGET = 4_000  # scripts in <head> that hold up the first paint (theme.js)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("weight") / "out"
    args = ("--site", str(REPO), "build", "--output", str(out))
    assert run_cli(*args, "--base-url", f"https://u.github.io{BASE_PATH}") == 0
    return out


def local(out: Path, url: str) -> Path:
    assert url.startswith(BASE_PATH), url
    return out / url[len(BASE_PATH) :]


def weight(out: Path, page: Path) -> tuple[int, int, int]:
    """(HTML bytes, CSS bytes, blocking-script bytes) of one page."""
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    css = sum(
        local(out, link["href"]).stat().st_size
        for link in doc.find_all("link", href=True)
        if "stylesheet" in link.get("rel", [])
    )
    blocking = sum(
        local(out, s["src"]).stat().st_size
        for s in doc.head.find_all("script", src=True)
        if not ({"defer", "async"} & set(s.attrs)) and s.get("type") != "module"
    )
    return page.stat().st_size, css, blocking


def test_every_paper_page_is_within_budget(built: Path) -> None:
    pages = sorted((built / "papers").glob("*/index.html"))
    assert len(pages) == 51
    weights = {p.parent.name: weight(built, p) for p in pages}
    heaviest = max(weights, key=lambda slug: sum(weights[slug][:2]))
    html, css, blocking = weights[heaviest]
    assert css > 0  # the stylesheet was found and counted
    assert html + css <= BUDGET, f"papers/{heaviest}/: {html} B HTML + {css} B CSS"
    assert blocking <= BLOCKING_JS_BUDGET, f"{blocking} B of render-blocking script"
