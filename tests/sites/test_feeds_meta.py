"""Feeds, head metadata, sitemap/robots and day pages on the built seed site (51 papers)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import feedparser
import pytest

from .conftest import run_cli
from .sitecheck import broken_links, html_pages, soup
from .test_hostile import HOSTILE
from .test_seed_site import papers_of

BASE = "https://user.github.io/repo/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def published(seed_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    assert run_cli("--site", str(seed_site), "build", "--base-url", BASE, "--output", str(out)) == 0
    return out


def file_of(out: Path, url: str) -> Path:
    """The built file an absolute URL of the site points at."""
    assert url.startswith(BASE), url
    rel = url[len(BASE) :]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def test_every_feed_parses_with_absolute_links_to_built_pages(seed_site, published) -> None:
    feeds = [published / "feed.xml", *sorted((published / "topics").glob("*/feed.xml"))]
    assert len(feeds) == 1 + len(list((published / "topics").glob("*/index.html")))
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        for entry in parsed.entries:
            assert file_of(published, entry.link).is_file(), entry.link
            assert entry.id.startswith("tag:user.github.io,2026-03-11:papers/")
            assert entry.content[0].value.startswith("<p>")
    site_feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert len(site_feed.entries) == 50  # of 51: feeds hold the newest 50
    titles = {meta["title"] for meta, _body in papers_of(seed_site).values()}
    assert {e.title for e in site_feed.entries} <= titles


def test_topic_feeds_hold_exactly_the_topics_papers(published) -> None:
    for feed in sorted((published / "topics").glob("*/feed.xml")):
        page = soup(feed.parent / "index.html")
        count = int(page.select_one(".count").get_text().split()[0])
        entries = feedparser.parse(feed.read_bytes()).entries
        assert len(entries) == min(count, 50), feed
        slug = feed.parent.name
        assert all(slug in [t.term for t in e.tags] for e in entries), feed


def test_pages_link_feeds_that_exist(published) -> None:
    for page in html_pages(published):
        doc = soup(page)
        feeds = doc.find_all("link", rel="alternate", type="application/atom+xml")
        assert feeds, page
        for link in feeds:
            href = link["href"]
            assert href.startswith("/repo/") and (published / href[len("/repo/") :]).is_file()
    topic = soup(published / "topics" / "music-and-audio" / "index.html")
    assert topic.select_one("a.subscribe")["href"] == "/repo/topics/music-and-audio/feed.xml"
    assert soup(published / "index.html").select_one("a.subscribe")["href"] == "/repo/feed.xml"


def test_every_paper_page_has_canonical_open_graph_scholar_and_json_ld(seed_site, published):
    for slug, (meta, _body) in papers_of(seed_site).items():
        doc = soup(published / "papers" / slug / "index.html")
        url = f"{BASE}papers/{slug}/"

        def content(name: str, doc=doc) -> list[str]:
            tags = doc.find_all("meta", attrs={"property": name}) + doc.find_all(
                "meta", attrs={"name": name}
            )
            return [t["content"] for t in tags]

        assert doc.find("link", rel="canonical")["href"] == url
        assert content("og:url") == [url]
        assert content("og:type") == ["article"]
        assert content("og:title") == [meta["title"]] == content("citation_title")
        assert content("og:site_name") == ["Papers"]
        assert content("twitter:card") == ["summary"]
        assert content("og:description")[0][:40] == content("citation_abstract")[0][:40]
        assert content("citation_publication_date") == ["2026/03/11"]
        assert content("citation_keywords") == ["; ".join(meta["topics"])]
        assert content("citation_author") == meta.get("authors", [])
        (script,) = doc.find_all("script", type="application/ld+json")
        data = json.loads(script.string)
        assert data["@type"] == "ScholarlyArticle"
        assert data["headline"] == meta["title"]
        assert data["datePublished"] == "2026-03-11"
        assert data["url"] == url
        assert data["keywords"] == meta["topics"]


def test_sitemap_lists_every_html_page_and_nothing_else(published) -> None:
    root = ET.parse(published / "sitemap.xml").getroot()
    listed = [u.findtext(f"{SITEMAP_NS}loc") for u in root.iter(f"{SITEMAP_NS}url")]
    assert len(listed) == len(set(listed))
    files = {file_of(published, url) for url in listed}
    pages = {
        p
        for p in html_pages(published)
        if (p.name != "404.html" or p.parent != published)
        and not soup(p).find("meta", attrs={"name": "robots", "content": "noindex"})
    }
    assert files == pages
    ddsp = published / "papers" / "ddsp-differentiable-digital-signal-processing" / "index.html"
    assert ddsp in pages
    assert all(u.findtext(f"{SITEMAP_NS}lastmod") == "2026-03-11" for u in root)
    robots = (published / "robots.txt").read_text()
    assert "User-agent: *" in robots and f"Sitemap: {BASE}sitemap.xml" in robots


def test_day_pages_list_the_day_and_are_linked_from_home(published) -> None:
    day = published / "daily" / "2026-03-11"
    pages = [
        day / "index.html",
        day / "page" / "2" / "index.html",
        day / "page" / "3" / "index.html",
    ]
    assert all(p.is_file() for p in pages)
    assert sum(len(soup(p).select("article.card")) for p in pages) == 51
    assert soup(pages[0]).h1.get_text() == "Wednesday 11 March 2026"
    index = soup(published / "daily" / "index.html")
    assert [a["href"] for a in index.select(".day-list a")] == ["/repo/daily/2026-03-11/"]
    home = soup(published / "index.html")
    assert {a["href"] for a in home.select(".card a.date-link")} == {"/repo/daily/2026-03-11/"}
    assert home.select_one(".browse a")["href"] == "/repo/daily/"
    assert broken_links(published, "/repo/") == []


def test_without_base_url_there_are_no_feeds_sitemap_or_absolute_urls(seed_site, tmp_path, capsys):
    out = tmp_path / "site"
    assert run_cli("--site", str(seed_site), "build", "--output", str(out)) == 0
    assert "base_url is not set" in capsys.readouterr().err
    assert not (out / "feed.xml").exists() and not (out / "sitemap.xml").exists()
    assert list(out.rglob("*.xml")) == []
    assert "Sitemap" not in (out / "robots.txt").read_text()
    for page in html_pages(out):
        doc = soup(page)
        assert doc.find("link", rel="canonical") is None, page
        assert doc.find("meta", property="og:url") is None, page
        assert "application/atom+xml" not in str(doc), page
        for tag in doc.head.find_all("link"):  # stylesheets only, base-absolute
            assert not urlsplit(tag["href"]).netloc, (page, tag)
    assert broken_links(out, "/") == []


def test_hostile_content_gives_valid_feeds_and_inert_metadata(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert run_cli("--site", str(site), "ingest", str(HOSTILE), "--year", "2026", "-q") == 0
    out = tmp_path / "out"
    assert run_cli("--site", str(site), "build", "--base-url", BASE, "--output", str(out)) == 0
    titles = set()
    for feed in [out / "feed.xml", *(out / "topics").glob("*/feed.xml")]:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, feed
        titles |= {e.title for e in parsed.entries}
    assert "<script>alert('title')</script> Attention Is All You Need" in titles
    for page in (out / "papers").glob("*/index.html"):
        doc = soup(page)
        (script,) = doc.find_all("script", type="application/ld+json")
        assert script["type"] == "application/ld+json" and "<" not in script.string
        title = doc.find("meta", attrs={"name": "citation_title"})["content"]
        assert json.loads(script.string)["headline"] == title == doc.h1.get_text()
