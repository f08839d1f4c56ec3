"""Hostile input: nothing from content may execute in a browser or write outside output/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import run_cli
from .sitecheck import broken_links, html_pages, inert_problems, soup

HOSTILE = Path(__file__).parent / "hostile" / "dump.txt"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    site.mkdir()
    assert run_cli("--site", str(site), "ingest", str(HOSTILE), "--year", "2026") == 0
    out = site / "output"
    assert run_cli("--site", str(site), "build", "--base-url", "https://u.github.io/repo/") == 0
    return site, out


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_content_files_stay_in_content_papers(hostile_site) -> None:
    site, _out = hostile_site
    root = site.parent
    outside = {
        p
        for p in all_files(root)
        if not p.is_relative_to(site / "content")
        and not p.is_relative_to(site / "output")
        and not p.is_relative_to(site / ".site-builder-cache")  # the build cache
    }
    assert outside == set()
    names = sorted(p.name for p in (site / "content" / "papers").glob("*.md"))
    assert len(names) == 4
    assert all(re.fullmatch(r"[a-z0-9-]+\.md", n) for n in names)
    assert "etc-passwd.md" in names


def test_no_script_event_handler_or_javascript_url_in_any_page(hostile_site) -> None:
    _site, out = hostile_site
    for page in html_pages(out):
        assert inert_problems(soup(page), "/repo/") == [], page


def test_hostile_text_is_shown_escaped(hostile_site) -> None:
    _site, out = hostile_site
    home = soup(out / "index.html")
    titles = [a.get_text() for a in home.select(".card-title a")]
    assert "<script>alert('title')</script> Attention Is All You Need" in titles
    assert any("{{ 7*7 }}" in t for t in titles)  # not evaluated as a template
    page = next(p for p in html_pages(out) if "attention-is-all-you-need" in str(p))
    abstract = soup(page).select_one(".abstract").get_text()
    assert "<script>alert(1)</script>" in abstract
    assert "<img src=x onerror=alert(2)>" in abstract


def test_unicode_survives(hostile_site) -> None:
    _site, out = hostile_site
    text = soup(out / "index.html").get_text()
    assert "Ünïcödé" in text and "🎵" in text and "naïve café" in text


def test_link_from_hostile_abstract_is_cut_at_the_quote(hostile_site) -> None:
    _site, out = hostile_site
    page = next(p for p in html_pages(out) if "attention-is-all-you-need" in str(p))
    badges = [a["href"] for a in soup(page).select(".badges a")]
    assert badges == ["https://github.com/evil/repo"]
    assert broken_links(out, "/repo/") == []
