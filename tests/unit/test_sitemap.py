"""outputs/sitemap.py: sitemap.xml from the finished pages, and robots.txt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

from site_builder.build import render_site
from site_builder.config import Config, load_config
from site_builder.model import Paper, Site, Topic

BASE = "https://user.github.io/repo/"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def config(tmp_path: Path, base_url: str = BASE, **overrides: object) -> Config:
    return load_config(tmp_path, {"base_url": base_url, **overrides})


def small_site() -> Site:
    papers = (
        Paper(slug="new", title="New", date=dt.date(2024, 3, 10), abstract="a", topics=("RL",)),
        Paper(slug="old", title="Old", date=dt.date(2024, 3, 1), abstract="b", topics=("CV",)),
    )
    topics = (
        Topic(slug="rl", name="RL", paper_slugs=("new",)),
        Topic(slug="cv", name="CV", paper_slugs=("old",)),
    )
    return Site(papers=papers, topics=topics)


def build_files(cfg: Config, site: Site) -> dict[str, bytes]:
    return render_site(cfg, site)


def page_url(path: str) -> str:
    """'papers/x/index.html' -> 'papers/x/'."""
    return "" if path == "index.html" else path.removesuffix("index.html")


def read_sitemap(data: bytes) -> dict[str, str | None]:
    root = ET.fromstring(data)
    assert root.tag == f"{NS}urlset"
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")}


def test_sitemap_lists_every_html_page_but_404(tmp_path: Path) -> None:
    files = build_files(config(tmp_path), small_site())
    listed = read_sitemap(files["sitemap.xml"])
    noindex = b'<meta name="robots" content="noindex">'
    html = {
        rel
        for rel, data in files.items()
        if rel.endswith(".html") and rel != "404.html" and noindex not in data
    }
    assert BASE + "search/" not in listed  # the search page asks not to be indexed
    assert set(listed) == {BASE + page_url(rel) for rel in html}
    assert BASE in listed and BASE + "papers/new/" in listed and BASE + "daily/" in listed
    assert not any("404" in url or url.endswith(".html") for url in listed)


def test_lastmod_comes_from_the_papers_a_page_shows(tmp_path: Path) -> None:
    listed = read_sitemap(build_files(config(tmp_path), small_site())["sitemap.xml"])
    assert listed[BASE + "papers/old/"] == "2024-03-01"
    assert listed[BASE + "topics/cv/"] == "2024-03-01"
    assert listed[BASE + "daily/2024-03-01/"] == "2024-03-01"
    assert listed[BASE] == listed[BASE + "topics/"] == "2024-03-10"


def test_noindex_pages_and_data_files_are_not_listed(tmp_path: Path) -> None:
    files = build_files(config(tmp_path), small_site())
    listed = read_sitemap(files["sitemap.xml"])
    assert "saved/index.html" in files and "search/index.html" in files
    assert BASE + "saved/" not in listed and BASE + "search/" not in listed  # noindex pages
    assert BASE + "papers.json" not in listed and BASE + "feed.xml" not in listed
    assert listed[BASE + "daily/"] == "2024-03-10"  # the newest day it lists


def test_robots_allows_all_and_names_the_sitemap(tmp_path: Path) -> None:
    robots = build_files(config(tmp_path), small_site())["robots.txt"].decode()
    assert "User-agent: *\nAllow: /\n" in robots
    assert robots.endswith(f"\nSitemap: {BASE}sitemap.xml\n")


def test_without_base_url_robots_has_no_sitemap_line_and_there_is_no_sitemap(
    tmp_path: Path,
) -> None:
    for base in ("", "/repo/"):
        files = build_files(config(tmp_path, base), small_site())
        assert "sitemap.xml" not in files
        assert "Sitemap" not in files["robots.txt"].decode()


def test_the_sites_own_robots_txt_and_sitemap_win(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n")
    files = build_files(config(tmp_path), small_site())
    assert "robots.txt" not in files and "sitemap.xml" in files
    (static / "sitemap.xml").write_text("<urlset/>")
    assert "sitemap.xml" not in build_files(config(tmp_path), small_site())
