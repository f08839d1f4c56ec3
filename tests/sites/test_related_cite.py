"""Related papers, BibTeX and papers.json on the built seed site, at '/' and under '/repo/'."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
from bibcheck import latex_to_text

from .conftest import run_cli
from .sitecheck import broken_links, html_pages, inert_problems, soup

PAPER_KEYS = ["slug", "title", "url", "date", "topics", "authors", "links", "related"]
MUSIC = "Music and audio"
# Music-generation papers of the bundled digest: their neighbours must be music papers too.
MUSIC_GENERATION = [
    "ditto-2-distilled-diffusion-inference-time-t-optimization-for-music-generation",
    "getmusic-generating-any-music-tracks-with-a-unified-representation-and-diffusion",
    "jen-1-composer-a-unified-framework-for-high-fidelity-multi-track-music",
    "multi-track-musicldm-towards-versatile-music-generation-with-latent-diffusion",
    "musecoco-generating-symbolic-music-from-text",
    "quantized-gan-for-complex-music-generation-from-dance-videos",
]


def parse_bib(path: Path) -> list[bibtexparser.model.Entry]:
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert library.failed_blocks == [], path
    return library.entries


def paper_pages(out: Path) -> dict[str, Path]:
    return {p.parent.name: p for p in sorted((out / "papers").glob("*/index.html"))}


def topics_on(page: Path) -> list[str]:
    return [a.get_text() for a in soup(page).select("header .chips a")]


# --- related papers ---------------------------------------------------------------------------


def test_every_paper_page_lists_five_related_papers(built) -> None:
    out, base = built
    pages = paper_pages(out)
    assert len(pages) == 51
    for slug, page in pages.items():
        section = soup(page).select_one("section.related")
        assert section.h2.get_text() == "Related papers"
        items = section.select("li")
        assert len(items) == 5, slug
        for li in items:
            href = li.a["href"]
            assert href.startswith(f"{base}papers/") and href != f"{base}papers/{slug}/"
            target = out / href[len(base) :] / "index.html"
            assert soup(target).h1.get_text() == li.a.get_text()
            meta = li.select_one(".meta").get_text()
            assert li.time["datetime"] == "2026-03-11" and "11 Mar 2026" in meta
            assert all(name in meta for name in topics_on(target))


def test_music_generation_papers_have_music_neighbours(built) -> None:
    out, base = built
    for slug in MUSIC_GENERATION:
        page = out / "papers" / slug / "index.html"
        assert MUSIC in topics_on(page), slug
        for a in soup(page).select("section.related li a"):
            target = out / a["href"][len(base) :] / "index.html"
            assert MUSIC in topics_on(target), (slug, a.get_text())


def test_related_section_comes_after_the_abstract(built) -> None:
    out, _base = built
    page = next(iter(paper_pages(out).values()))
    sections = [s.get("class")[0] for s in soup(page).select("article.paper > section")]
    assert sections == ["abstract", "related", "cite"]


# --- BibTeX -----------------------------------------------------------------------------------


def test_every_bib_file_parses_and_keys_are_unique(built) -> None:
    out, _base = built
    files = sorted(out.rglob("*.bib"))
    topics = list((out / "topics").glob("*/index.html"))
    assert len(files) == 51 + len(topics)
    keys = []
    for path in files:
        entries = parse_bib(path)
        assert entries, path
        if path.parts[-3] == "papers":
            keys += [e.key for e in entries]
    assert len(keys) == 51 == len(set(keys))
    assert all(k.isascii() and k.replace("-", "").isalnum() for k in keys)


def test_paper_bib_matches_the_page(built) -> None:
    out, base = built
    for slug, page in paper_pages(out).items():
        doc = soup(page)
        [entry] = parse_bib(page.parent / f"{slug}.bib")
        assert entry.entry_type == "misc"
        assert latex_to_text(entry["title"]) == doc.h1.get_text()
        assert entry["year"] == "2026"
        assert entry.fields_dict["month"].value == "mar"
        if base == "/":  # no site URL known: no relative URL in a file read elsewhere
            assert "url" not in entry.fields_dict
        else:
            assert entry["url"] == f"https://user.github.io/repo/papers/{slug}/"
        shown = doc.select_one("section.cite pre").get_text()
        assert shown.strip() == entry.raw.strip()
        download = doc.select_one("section.cite a[download]")
        assert download.get_text() == "Download .bib"
        assert download["href"] == f"{base}papers/{slug}/{slug}.bib"
        button = doc.select_one("section.cite button")
        assert button.get_text() == "Copy BibTeX" and button.has_attr("hidden")  # JS shows it
        (script,) = [s for s in doc.select("script[src]") if "/static/cite." in s["src"]]
        assert script["src"].startswith(f"{base}static/cite.") and script.has_attr("defer")


def test_topic_bib_holds_every_paper_of_the_topic(built) -> None:
    out, base = built
    for index in (out / "topics").glob("*/index.html"):
        slug = index.parent.name
        doc = soup(index)
        link = doc.find("a", string="BibTeX for this topic")
        assert link["href"] == f"{base}topics/{slug}/{slug}.bib"
        entries = parse_bib(index.parent / f"{slug}.bib")
        count = int(doc.select_one(".count").get_text().split()[0])
        assert len(entries) == count
        titles = {latex_to_text(e["title"]) for e in entries}
        cards = {a.get_text() for a in doc.select(".card-title a")}
        assert cards <= titles  # first listing page: its papers are all in the file


def test_download_links_resolve(built) -> None:
    out, base = built
    assert broken_links(out, base) == []


# --- papers.json ------------------------------------------------------------------------------


def test_papers_json_indexes_the_collection(built) -> None:
    out, base = built
    doc = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    assert doc["generated"]["paper_count"] == 51 == len(doc["papers"])
    pages = paper_pages(out)
    for entry in doc["papers"]:
        assert list(entry) == PAPER_KEYS
        page = soup(pages[entry["slug"]])
        assert entry["title"] == page.h1.get_text()
        if base == "/":
            assert entry["url"] == f"/papers/{entry['slug']}/"
        else:
            assert entry["url"] == f"https://user.github.io/repo/papers/{entry['slug']}/"
        assert entry["topics"] == [a.get_text() for a in page.select("header .chips a")]
        shown = [a["href"] for a in page.select("section.related li a")]
        assert shown == [f"{base}papers/{s}/" for s in entry["related"]]
        assert all(set(link) == {"url", "kind"} for link in entry["links"])
    ddsp = next(e for e in doc["papers"] if e["slug"].startswith("ddsp-"))
    assert ddsp["links"] == [{"url": "https://github.com/magenta/ddsp", "kind": "code"}]


# --- switches ---------------------------------------------------------------------------------


def test_switched_off_features_leave_no_trace(seed_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "content").symlink_to(seed_site / "content")
    (site / "site.yaml").write_text("related: false\ncitations: false\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("--site", str(site), "build", "--output", str(out)) == 0
    assert list(out.rglob("*.bib")) == []
    for page in html_pages(out):
        doc = soup(page)
        assert doc.select("section.related, section.cite, script[src*='/cite.']") == [], page
        assert "BibTeX" not in doc.get_text(), page
    doc = json.loads((out / "papers.json").read_text(encoding="utf-8"))
    assert all(p["related"] == [] for p in doc["papers"])


def test_related_count_sets_how_many_are_shown(seed_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "content").symlink_to(seed_site / "content")
    (site / "site.yaml").write_text("related_count: 2\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("--site", str(site), "build", "--output", str(out)) == 0
    for page in paper_pages(out).values():
        assert len(soup(page).select("section.related li")) == 2


# --- hostile content --------------------------------------------------------------------------

HOSTILE_TITLE = r"</pre><script>alert(1)</script> {Un}balanced} \textbf{x} 100% & $y_1$ #1 ~^ é🎵"
HOSTILE_PAPER = f"""---
title: '{HOSTILE_TITLE}'
date: 2024-05-02
authors: ['Ann \\ Lee', 'R&D and Sons', 'José Núñez']
arxiv: '2405.00001'
doi: '10.1000/a}}b'
topics: [Odd]
---

An abstract about odd titles.
"""


def test_hostile_title_and_authors_survive_in_bibtex_and_stay_text(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "content" / "papers" / "odd.md").write_text(HOSTILE_PAPER, encoding="utf-8")
    (site / "site.yaml").write_text("math: false\n")  # the $…$ here is a literal to escape
    out = tmp_path / "out"
    args = ["build", "--output", str(out), "--strict", "--base-url", "https://u.github.io/repo/"]
    assert run_cli("--site", str(site), *args) == 0
    page = soup(out / "papers" / "odd" / "index.html")
    assert page.h1.get_text() == HOSTILE_TITLE
    assert inert_problems(page, "/repo/") == []
    pre = page.select_one("section.cite pre").get_text()
    [entry] = parse_bib(out / "papers" / "odd" / "odd.bib")
    assert pre.strip() == entry.raw.strip()
    assert latex_to_text(entry["title"]) == HOSTILE_TITLE
    assert entry["author"] == r"Ann \textbackslash{} Lee and {R\&D and Sons} and José Núñez"
    assert entry["eprint"] == "2405.00001" and entry["archiveprefix"] == "arXiv"
    assert entry["doi"] == "10.1000/a%7Db"
    assert entry.key.startswith("lee2024-")
    [topic_entry] = parse_bib(out / "topics" / "odd" / "odd.bib")
    assert topic_entry.key == entry.key
