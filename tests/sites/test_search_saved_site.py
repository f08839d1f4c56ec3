"""Search and the saved list on the bundled 51 papers, at '/' and under '/repo/', and both
switched off (no trace left)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli
from .sitecheck import broken_links, html_pages, soup


@pytest.fixture(scope="module")
def built_off(seed_site: Path, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("off")
    shutil.copytree(seed_site / "content", site / "content")
    (site / "site.yaml").write_text("search: false\nsaved_list: false\n", encoding="utf-8")
    assert run_cli("--site", str(site), "build", "--base-url", "https://u.github.io/repo/") == 0
    return site / "output"


def test_search_page_and_index_exist(built) -> None:
    out, base = built
    manifest = json.loads((out / "search-index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["docs"] == 51
    root = soup(out / "search" / "index.html").select_one("#search")
    assert root["data-index"] == f"{base}search-index/"
    assert root["data-base"] == base
    assert root.has_attr("hidden")  # search.js reveals it; without JS the notice shows instead
    noscript = soup(out / "search" / "index.html").find("noscript").get_text()
    assert "Search needs JavaScript" in noscript
    # The topic filter offers every topic of the site.
    options = [
        o.get_text() for o in soup(out / "search" / "index.html").select("#search-topic option")
    ]
    topics = [a.get_text() for a in soup(out / "topics" / "index.html").select(".topic-name")]
    assert options == ["All topics", *topics]


def test_every_page_but_search_has_a_search_box_to_the_search_page(built) -> None:
    out, base = built
    for page in html_pages(out):
        forms = soup(page).select("header form[role=search]")
        if page == out / "search" / "index.html":
            assert forms == []  # its own form is the box there
            continue
        assert len(forms) == 1, page
        assert forms[0]["action"] == f"{base}search/" and forms[0]["method"] == "get"
        assert forms[0].select_one("input")["name"] == "q"


def test_no_page_carries_indexer_markup(built) -> None:
    """The index is built from the records, so pages carry no indexer attributes."""
    out, _base = built
    for page in html_pages(out):
        assert "data-pagefind" not in page.read_text(encoding="utf-8"), page


def test_save_buttons_on_paper_pages_and_cards_start_hidden(built) -> None:
    out, base = built
    paper = next((out / "papers").glob("*/index.html"))
    button = soup(paper).select_one("button.save-toggle")
    assert button.has_attr("hidden") and button["aria-pressed"] == "false"
    assert button["data-save-url"] == f"{base}papers/{paper.parent.name}/"
    assert button["data-save-slug"] == paper.parent.name
    home = soup(out / "index.html")
    assert len(home.select(".card button.save-toggle[hidden]")) == len(home.select(".card"))
    for page in (out / "index.html", paper, out / "saved" / "index.html"):
        saved = [a for a in soup(page).select("header nav a") if a.get_text() == "Saved"]
        assert [a["href"] for a in saved] == [f"{base}saved/"], page
        scripts = [s["src"] for s in soup(page).find_all("script", src=True)]
        assert any(s.startswith(f"{base}static/saved.") for s in scripts), page


def test_saved_page_explains_itself_without_js(built) -> None:
    out, _base = built
    doc = soup(out / "saved" / "index.html")
    assert doc.h1.get_text() == "Saved papers"
    assert "needs JavaScript" in doc.find("noscript").get_text()
    assert doc.select_one("#saved").has_attr("hidden")


def test_no_broken_links_with_the_features_on(built) -> None:
    out, base = built
    assert broken_links(out, base) == []


def test_features_off_leave_no_trace(built_off: Path) -> None:
    out = built_off
    assert not (out / "search-index").exists()
    assert not (out / "search").exists()
    assert not (out / "saved").exists()
    # (The theme's static files are still copied, as all of them are; no page refers to them.)
    for page in html_pages(out):
        html = page.read_text(encoding="utf-8")
        doc = soup(page)
        srcs = [s.get("src", s.get("type")) for s in doc.find_all("script")]
        assert not any("search." in s or "saved." in s for s in srcs), page
        assert doc.select("form[role=search], button.save-toggle") == [], page
        assert "data-pagefind" not in html, page
        assert "reader." not in html, page
        assert "Saved" not in [a.get_text() for a in doc.select("header nav a")], page
        hrefs = [a.get("href", "") for a in doc.find_all("a")]
        assert not any(h.endswith(("/search/", "/saved/")) for h in hrefs), page
    assert broken_links(out, "/repo/") == []
