"""Each source fixture ingested into a fresh site through the CLI, then built end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import build
from site_builder.config import load_config

from .conftest import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
EXPECTED = {
    "arxiv.atom": 2,
    "hf_daily.json": 2,
    "refs.bib": 2,
    "zotero.json": 2,
    "openreview_v2.json": 2,
    "openreview_v1.json": 1,
    "arxiv-snapshot.jsonl": 4,
    "papers.csv": 2,
    "papers.jsonl": 2,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_ingests_and_builds(tmp_path: Path, name: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert run_cli("--site", str(site), "ingest", str(FIXTURES / name), "-q") == 0
    papers = sorted((site / "content" / "papers").glob("*.md"))
    assert len(papers) == EXPECTED[name]
    config = load_config(site)
    build(config)
    pages = sorted((config.output_dir / "papers").glob("*/index.html"))
    assert len(pages) == EXPECTED[name]
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
        assert not any("alert(1)" in (s.string or "") for s in scripts)
        assert soup.h1 is not None and soup.h1.get_text(strip=True)


def test_everything_at_once_dedupes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    args = [str(FIXTURES / n) for n in sorted(EXPECTED)]
    assert run_cli("--site", str(site), "ingest", *args, "-q") == 0
    # 19 records with titles, two of them the arXiv preprint again (HF JSON, BibTeX)
    assert len(list((site / "content" / "papers").glob("*.md"))) == sum(EXPECTED.values()) - 2
    build(load_config(site))


def test_bad_input_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    bad = tmp_path / "bad.json"
    bad.write_text('[{"paper": {"title": "x"}},\n', encoding="utf-8")
    assert run_cli("--site", str(site), "ingest", str(FIXTURES / "refs.bib"), str(bad)) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:1: not valid JSON" in err
    assert "Traceback" not in err
    assert list(site.iterdir()) == []


def test_format_flag_forces_the_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(FIXTURES)
    bib = str(FIXTURES / "refs.bib")  # absolute, but inside where the user ran: named relative
    assert run_cli("--site", str(site), "ingest", "--format", "csv", bib) == 1
    assert capsys.readouterr().err == (
        "error: refs.bib:2: row has 2 cells, the header has 1\nnothing was written\n"
    )
    assert list(site.iterdir()) == []


def test_authors_get_pages_linked_from_cards_and_papers(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    args = [str(FIXTURES / n) for n in sorted(EXPECTED)]
    assert run_cli("--site", str(site), "ingest", *args, "-q") == 0
    config = load_config(site, {"base_url": "https://u.github.io/repo/"})
    build(config)
    out = config.output_dir
    index = BeautifulSoup((out / "authors" / "index.html").read_text(), "html.parser")
    people = {a.select_one(".topic-name").get_text(): a["href"] for a in index.select("li a")}
    assert people and all(href.startswith("/repo/authors/") for href in people.values())
    # Every author page lists papers, and each of them names that author on its card.
    for name, href in people.items():
        rel = href.removeprefix("/repo/")
        page = BeautifulSoup((out / rel / "index.html").read_text(), "html.parser")
        assert page.h1.get_text(strip=True) == name
        cards = page.select("article.card")
        assert cards, name
        assert (out / rel / "feed.xml").is_file()
    # Paper pages link their authors to those pages, and show the venue where known.
    linked = set()
    venues = []
    for paper in (out / "papers").glob("*/index.html"):
        soup = BeautifulSoup(paper.read_text(), "html.parser")
        linked |= {a["href"] for a in soup.select(".authors a.author")}
        venues += [v.get_text(" ", strip=True) for v in soup.select("p.venue")]
    assert linked and linked <= set(people.values())
    assert any("Conference" in v or "ICML" in v or "ICLR" in v for v in venues), venues


def test_a_slug_given_in_authors_yaml_is_the_author_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    args = [str(FIXTURES / n) for n in sorted(EXPECTED)]
    assert run_cli("--site", str(site), "ingest", *args, "-q") == 0
    (site / "authors.yaml").write_text(
        "merge:\n  - name: John Smith\n    variants: [J. Smith]\n    slug: smith-lab\n",
        encoding="utf-8",
    )
    config = load_config(site, {"base_url": "https://u.github.io/repo/"})
    build(config)
    out = config.output_dir
    page = BeautifulSoup((out / "authors" / "smith-lab" / "index.html").read_text(), "html.parser")
    assert page.h1.get_text(strip=True) == "John Smith"
    cards = len(page.select("article.card"))
    assert cards == 3  # his papers in the fixtures: zotero.json, papers.csv, refs.bib
    assert not (out / "authors" / "john-smith").exists()  # the made slug is not used
    index = BeautifulSoup((out / "authors" / "index.html").read_text(), "html.parser")
    people = {a.select_one(".topic-name").get_text(): a["href"] for a in index.select("li a")}
    assert people["John Smith"] == "/repo/authors/smith-lab/"
    # His paper pages link his name to the given slug.
    links, variants = [], []
    for paper in (out / "papers").glob("*/index.html"):
        soup = BeautifulSoup(paper.read_text(), "html.parser")
        for a in soup.select(".authors a.author"):
            if a.get_text(strip=True) == "John Smith":
                links.append(a["href"])
            elif a.get_text(strip=True) == "J. Smith":
                variants.append(a["href"])
    assert links == ["/repo/authors/smith-lab/"] * cards
    # refs.bib's byline names him twice ("John Smith and J. Smith"): both names link him.
    assert variants == ["/repo/authors/smith-lab/"]
