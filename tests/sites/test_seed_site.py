"""The bundled 51-paper dump, ingested and built end to end, at '/' and under '/repo/'."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.config import load_config
from site_builder.frontmatter import split
from site_builder.taxonomy import assign_topics, load_taxonomy

from .conftest import run_cli
from .sitecheck import broken_links, html_pages, soup


def papers_of(site: Path) -> dict[str, tuple[dict, str]]:
    """Each paper's front matter and abstract, with ``topics`` as the build assigns them when
    the file names none (ingest writes no topics; the taxonomy picks them at build time)."""
    config = load_config(site)
    taxonomy = load_taxonomy(config.topics_file)
    out = {}
    for path in sorted((site / "content" / "papers").glob("*.md")):
        meta, _lines, body, _start = split(path.read_text(encoding="utf-8"), path)
        if not meta.get("topics"):
            meta["topics"] = list(assign_topics(meta["title"], body, taxonomy, config.max_topics))
        out[meta["slug"]] = (meta, body)
    return out


def test_ingest_writes_51_papers_and_the_build_gives_them_topics(seed_site: Path) -> None:
    for path in (seed_site / "content" / "papers").glob("*.md"):
        assert "\ntopics:" not in path.read_text(encoding="utf-8")  # not frozen into files
    papers = papers_of(seed_site)
    assert len(papers) == 51
    for meta, body in papers.values():
        assert meta["date"].isoformat() == "2026-03-11"
        assert 1 <= len(meta["topics"]) <= 3
        assert body.strip()


def test_every_paper_has_a_page_with_its_title_and_abstract(seed_site, built) -> None:
    out, _base = built
    for slug, (meta, body) in papers_of(seed_site).items():
        page = out / "papers" / slug / "index.html"
        assert page.is_file(), slug
        doc = soup(page)
        assert doc.h1.get_text(strip=True) == meta["title"]
        abstract = " ".join(doc.select_one(".abstract").get_text(" ").split())
        first_words = " ".join(body.split()[:12])
        assert first_words in abstract, slug


def test_every_topic_has_a_page_listing_its_papers(seed_site, built) -> None:
    out, base = built
    index = soup(out / "topics" / "index.html")
    entries = index.select(".topic-list a")
    assert len(entries) >= 5
    counted = 0
    for a in entries:
        count = int(re.search(r"(\d+) papers?", a.get_text()).group(1))
        counted += count
        rel = a["href"][len(base) :]
        topic_page = soup(out / rel / "index.html")
        assert topic_page.h1.get_text(strip=True) == a.select_one(".topic-name").get_text()
        assert f"{count} paper" in topic_page.select_one(".count").get_text()
    papers = papers_of(seed_site)
    assert counted == sum(len(meta["topics"]) for meta, _ in papers.values())


def test_home_is_newest_first_and_paginated(built) -> None:
    out, base = built
    home = soup(out / "index.html")
    assert len(home.select("article.card")) == 20
    assert home.select_one('a[rel="next"]')["href"] == f"{base}page/2/"
    last = soup(out / "page" / "3" / "index.html")
    assert len(last.select("article.card")) == 11
    assert last.select_one('a[rel="next"]') is None


def test_no_internal_link_is_broken(built) -> None:
    out, base = built
    assert len(html_pages(out)) > 51
    assert broken_links(out, base) == []


def test_every_internal_link_starts_with_the_base_path(built) -> None:
    out, base = built
    for page in html_pages(out):
        for tag in soup(page).find_all(["a", "link"]):
            href = tag.get("href", "")
            if href.startswith("/"):
                assert href.startswith(base), (page, href)
            if href.startswith(base) and "/static/" not in href and "." not in href.split("/")[-1]:
                assert href.endswith("/"), (page, href)


def test_404_page_uses_base_absolute_links(built) -> None:
    out, base = built
    page = soup(out / "404.html")
    links = [a["href"] for a in page.find_all("a") if not a["href"].startswith("#")]
    assert links and all(h.startswith(base) for h in links)
    assert page.find("link", rel="stylesheet")["href"].startswith(base + "static/")


def test_github_pages_files(built) -> None:
    out, _base = built
    assert (out / ".nojekyll").is_file()
    css = list((out / "static").glob("style.*.css"))
    assert len(css) == 1 and re.fullmatch(r"style\.[0-9a-f]{10}\.css", css[0].name)


def test_link_badges_show_links_from_abstracts(seed_site, built) -> None:
    out, _base = built
    page = soup(out / "papers" / "ddsp-differentiable-digital-signal-processing" / "index.html")
    badges = {a.get_text(strip=True): a["href"] for a in page.select(".badges a")}
    assert badges == {"Code": "https://github.com/magenta/ddsp"}


def test_hand_edit_survives_reingest_and_shows_in_the_build(seed_site, tmp_path) -> None:
    from .conftest import DUMP

    path = seed_site / "content" / "papers" / "ddsp-differentiable-digital-signal-processing.md"
    original = path.read_text(encoding="utf-8")
    # ingest writes no topics: a topics key added by hand is the reader's choice
    edited = original.replace("source:", "topics:\n  - My reading group\nsource:", 1)
    edited = edited.replace("Most generative models", "EDITED BY HAND. Most generative models")
    path.write_text(edited, encoding="utf-8")
    try:
        assert run_cli("--site", str(seed_site), "ingest", str(DUMP), "--year", "2026") == 0
        assert path.read_text(encoding="utf-8") == edited
        out = tmp_path / "out"
        assert run_cli("--site", str(seed_site), "build", "--output", str(out)) == 0
        page = soup(out / "papers" / "ddsp-differentiable-digital-signal-processing" / "index.html")
        assert "EDITED BY HAND." in page.select_one(".abstract").get_text()
        assert "My reading group" in [a.get_text() for a in page.select(".chips a")]
        assert (out / "topics" / "my-reading-group" / "index.html").is_file()
    finally:
        path.write_text(original, encoding="utf-8")
