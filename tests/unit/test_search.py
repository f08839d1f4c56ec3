"""outputs/search.py: the search page, and the index written in finalize from the records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.config import load_config
from site_builder.outputs.search import BUNDLE_DIR

PAPER = """---
title: {title}
date: 2024-03-{day:02d}
topics: [{topic}]
---

{abstract}
"""


def make_site(root: Path, site_yaml: str = "") -> Path:
    papers = root / "content" / "papers"
    papers.mkdir(parents=True)
    for slug, title, day, topic, abstract in [
        ("piano", "Piano transcription with pedals", 11, "Music", "Onsets and offsets of notes."),
        ("robot", "Robots that grasp", 10, "Robotics", "A gripper learns to pick up cups."),
    ]:
        text = PAPER.format(title=title, day=day, topic=topic, abstract=abstract)
        (papers / f"{slug}.md").write_text(text, encoding="utf-8")
    if site_yaml:
        (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    return root


def documents(bundle: Path) -> list[list]:
    """Every document of the index, in doc-number order."""
    out: list[list] = []
    for n in range(len(list((bundle / "docs").glob("*.json")))):
        out += json.loads((bundle / "docs" / f"{n}.json").read_text(encoding="utf-8"))
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


# --- indexing -----------------------------------------------------------------------------------


def test_build_indexes_the_papers_records(site: Path) -> None:
    out = build(load_config(site)).output_dir
    docs = documents(out / BUNDLE_DIR)
    # Only the papers, newest first: listings, topics, search and saved pages are not results.
    assert [d[:3] for d in docs] == [
        ["/papers/piano/", "Piano transcription with pedals", "2024-03-11"],
        ["/papers/robot/", "Robots that grasp", "2024-03-10"],
    ]
    assert docs[0][5] == "Onsets and offsets of notes."
    manifest = json.loads((out / BUNDLE_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert [manifest["topics"][n] for n in docs[0][4]] == ["Music"]


def test_results_honour_the_base_path(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", "base_url: https://u.github.io/repo/\n")
    out = build(load_config(site)).output_dir
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-index="/repo/search-index/"' in page
    assert {d[0] for d in documents(out / BUNDLE_DIR)} == {
        "/repo/papers/piano/",
        "/repo/papers/robot/",
    }


def test_two_cold_builds_write_the_same_bytes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    one = build(load_config(site, {"output_dir": str(tmp_path / "one")})).output_dir
    two = build(load_config(site, {"output_dir": str(tmp_path / "two")})).output_dir
    assert tree(one / BUNDLE_DIR) == tree(two / BUNDLE_DIR)


def test_site_without_papers_gets_no_index_and_says_so(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    out = build(load_config(site)).output_dir
    assert not (out / BUNDLE_DIR).exists()
    assert 'data-papers="0"' in (out / "search" / "index.html").read_text(encoding="utf-8")


def test_search_off_builds_no_index(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", "search: false\n")
    out = build(load_config(site)).output_dir
    assert not (out / BUNDLE_DIR).exists()
    assert not (out / "search").exists()


# --- reuse: a rebuild with the same papers does not re-index ------------------------------------


def test_style_edit_reuses_the_index_but_a_paper_edit_reindexes(site: Path) -> None:
    config = load_config(site)
    build(config)
    manifest = config.output_dir / BUNDLE_DIR / "manifest.json"
    first = manifest.stat().st_ino
    (site / "themes" / "default" / "static").mkdir(parents=True)
    theme_css = Path(__file__).resolve().parents[2] / "themes" / "default" / "static" / "style.css"
    css = theme_css.read_text(encoding="utf-8") + "\nbody { color: red; }\n"
    (site / "themes" / "default" / "static" / "style.css").write_text(css, encoding="utf-8")
    build(load_config(site))
    assert manifest.stat().st_ino == first  # the same file, hard-linked from the last build
    paper = site / "content" / "papers" / "robot.md"
    paper.write_text(paper.read_text().replace("cups", "teapots"), encoding="utf-8")
    build(load_config(site))
    assert manifest.stat().st_ino != first
    robot = next(d for d in documents(config.output_dir / BUNDLE_DIR) if "Robots" in d[1])
    assert "teapots" in robot[5]
