"""outputs/meta.py and _meta.html: canonical links, Open Graph, Scholar tags and JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import build, render_site
from site_builder.config import Config, load_config
from site_builder.errors import SiteError
from site_builder.model import Link, Paper, Site, Topic
from site_builder.outputs import meta
from site_builder.urls import Urls

BASE = "https://user.github.io/repo/"
BREAKOUT = "</script><script>alert(1)</script> <!-- & \u2028 'quoted' \"twice\""


def config(tmp_path: Path, base_url: str = BASE, **overrides: object) -> Config:
    return load_config(tmp_path, {"base_url": base_url, **overrides})


def make_paper(slug: str = "p1", title: str = "A paper", **kw: object) -> Paper:
    return Paper(
        slug=slug,
        title=title,
        date=dt.date(2024, 3, 9),
        abstract="We *study* things. Code: https://github.com/a/b",
        topics=("RL", "Vision"),
        **kw,  # type: ignore[arg-type]
    )


def pages(cfg: Config, *papers: Paper) -> dict[str, BeautifulSoup]:
    topics = tuple(
        Topic(slug=name.lower(), name=name, paper_slugs=tuple(p.slug for p in papers))
        for name in ("RL", "Vision")
    )
    return {
        rel: BeautifulSoup(data.decode(), "html.parser")
        for rel, data in render_site(cfg, Site(papers=papers, topics=topics)).items()
        if rel.endswith(".html")
    }


def metas(doc: BeautifulSoup, name: str) -> list[str]:
    found = doc.find_all("meta", attrs={"name": name}) or doc.find_all(
        "meta", attrs={"property": name}
    )
    return [m["content"] for m in found]


def json_ld(doc: BeautifulSoup) -> dict:
    (script,) = doc.find_all("script", type="application/ld+json")
    return json.loads(script.string)


# --- canonical URLs ---------------------------------------------------------------------------


def test_canonical_url_is_absolute_and_only_with_a_full_base_url(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    u = Urls(cfg.base_path, cfg.base_url)
    assert meta.canonical_url(cfg, u, "/repo/papers/x/") == BASE + "papers/x/"
    assert meta.canonical_url(cfg, u, "/repo/") == BASE
    assert meta.canonical_url(cfg, u, "/repo/404.html") is None  # served at any address
    for base in ("", "/repo/"):
        bare = config(tmp_path, base)
        assert meta.canonical_url(bare, Urls(bare.base_path, bare.base_url), "/repo/") is None


def test_every_page_has_canonical_and_og_url_pointing_at_itself(tmp_path: Path) -> None:
    for rel, doc in pages(config(tmp_path), make_paper()).items():
        canonical = doc.find("link", rel="canonical")
        if rel == "404.html":
            assert canonical is None
            continue
        url = BASE + rel.removesuffix("index.html")
        assert canonical["href"] == url, rel
        assert metas(doc, "og:url") == [url], rel
        assert metas(doc, "og:site_name") == ["Papers"]
        assert metas(doc, "twitter:card") == ["summary"]


def test_without_base_url_no_canonical_or_og_url_is_written(tmp_path: Path) -> None:
    for rel, doc in pages(config(tmp_path, ""), make_paper()).items():
        assert doc.find("link", rel="canonical") is None, rel
        assert metas(doc, "og:url") == [], rel
        assert metas(doc, "og:title"), rel  # the rest of Open Graph needs no URL
        if rel.startswith("papers/"):
            data = json_ld(doc)
            assert data["@type"] == "ScholarlyArticle", rel  # the article is still described
            assert "url" not in data, rel


def test_home_and_topic_pages_describe_themselves(tmp_path: Path) -> None:
    docs = pages(config(tmp_path, description="ML papers."), make_paper())
    home, topic = docs["index.html"], docs["topics/rl/index.html"]
    assert metas(home, "og:type") == ["website"]
    assert metas(home, "og:title") == ["Papers"]
    assert metas(home, "og:description") == ["ML papers."]
    assert metas(topic, "og:title") == ["RL"]
    assert metas(topic, "og:description") == ["Papers on RL"]


# --- paper pages ------------------------------------------------------------------------------


def test_paper_page_has_open_graph_and_scholar_tags(tmp_path: Path) -> None:
    p = make_paper(authors=("Ada Lovelace", "Alan Turing"), arxiv="2401.00001", doi="10.1/x")
    doc = pages(config(tmp_path), p)["papers/p1/index.html"]
    assert metas(doc, "og:type") == ["article"]
    assert metas(doc, "og:title") == ["A paper"]
    assert metas(doc, "og:description") == ["We study things. Code: https://github.com/a/b"]
    assert metas(doc, "article:tag") == ["RL", "Vision"]
    assert metas(doc, "citation_title") == ["A paper"]
    assert metas(doc, "citation_author") == ["Ada Lovelace", "Alan Turing"]
    assert metas(doc, "citation_publication_date") == ["2024/03/09"]
    assert metas(doc, "citation_abstract") == ["We study things. Code: https://github.com/a/b"]
    assert metas(doc, "citation_pdf_url") == ["https://arxiv.org/pdf/2401.00001"]
    assert metas(doc, "citation_doi") == ["10.1/x"]
    assert metas(doc, "citation_arxiv_id") == ["2401.00001"]
    assert metas(doc, "citation_keywords") == ["RL; Vision"]


def test_a_pdf_link_is_preferred_to_the_arxiv_pdf(tmp_path: Path) -> None:
    p = make_paper(arxiv="2401.00001", links=(Link("https://x.org/paper.pdf", "pdf"),))
    doc = pages(config(tmp_path), p)["papers/p1/index.html"]
    assert metas(doc, "citation_pdf_url") == ["https://x.org/paper.pdf"]


def test_unknown_fields_are_left_out_not_written_empty(tmp_path: Path) -> None:
    doc = pages(config(tmp_path), make_paper())["papers/p1/index.html"]
    for name in ("citation_author", "citation_pdf_url", "citation_doi", "citation_arxiv_id"):
        assert metas(doc, name) == [], name
    data = json_ld(doc)
    assert "author" not in data and "sameAs" not in data


def test_json_ld_describes_the_paper(tmp_path: Path) -> None:
    p = make_paper(authors=("Ada Lovelace",), arxiv="2401.00001", doi="10.1/x")
    data = json_ld(pages(config(tmp_path), p)["papers/p1/index.html"])
    assert data == {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": "A paper",
        "name": "A paper",
        "datePublished": "2024-03-09",
        "author": [{"@type": "Person", "name": "Ada Lovelace"}],
        "description": "We study things. Code: https://github.com/a/b",
        "url": BASE + "papers/p1/",
        "keywords": ["RL", "Vision"],
        "sameAs": ["https://arxiv.org/abs/2401.00001", "https://doi.org/10.1/x"],
    }


def test_a_title_cannot_break_out_of_the_json_ld_script(tmp_path: Path) -> None:
    p = make_paper(title=BREAKOUT, authors=(BREAKOUT,))
    html = pages(config(tmp_path), p)["papers/p1/index.html"]
    scripts = [s for s in html.find_all("script") if not s.get("src")]
    assert len(scripts) == 1  # the JSON-LD block, and no inline script made from the title
    raw = scripts[0].string
    assert "</script" not in raw.lower() and "<!--" not in raw and "<" not in raw
    data = json.loads(raw)
    shown = " ".join(BREAKOUT.split())  # titles fold whitespace, U+2028 included
    assert data["headline"] == shown and data["author"][0]["name"] == BREAKOUT
    assert metas(html, "citation_title") == [shown]  # attributes escaped, read back intact


# --- warnings ---------------------------------------------------------------------------------


def test_missing_base_url_is_one_warning_naming_what_is_left_out(tmp_path: Path) -> None:
    (warning,) = meta.base_url_warnings(config(tmp_path, ""))
    text = str(warning)
    assert text.startswith("site.yaml: base_url is not set")
    assert "Atom feeds" in text and "sitemap.xml" in text and "--base-url" in text
    (bare,) = meta.base_url_warnings(config(tmp_path, "/repo/"))
    assert "base_url is a path, not a full URL" in str(bare)
    (no_feeds,) = meta.base_url_warnings(config(tmp_path, "", feeds=False))
    assert "Atom feeds" not in str(no_feeds)
    assert meta.base_url_warnings(config(tmp_path)) == ()


def test_strict_build_without_base_url_fails_and_says_why(tmp_path: Path) -> None:
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "p.md").write_text("---\ntitle: T\ndate: 2024-03-09\n---\n\nText.\n")
    report = build(config(tmp_path, ""))
    assert any("base_url is not set" in str(w) for w in report.warnings)
    with pytest.raises(SiteError, match="base_url is not set"):
        build(config(tmp_path, ""), strict=True)
    assert build(config(tmp_path), strict=True).warnings == ()
