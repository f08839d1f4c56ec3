"""outputs/search.py: the search page, and Pagefind indexing the finished site in finalize."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.cli import main
from site_builder.config import load_config
from site_builder.outputs import search
from site_builder.outputs.search import SearchIndexError, find_pagefind, index_site

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


def fragments(bundle: Path) -> list[dict]:
    """Pagefind's per-page records (gzipped JSON after a 'pagefind_dcd' signature)."""
    out = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        out.append(json.loads(data[len(b"pagefind_dcd") :]))
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def fake_binary(tmp_path: Path, script: str, executable: bool = True) -> Path:
    path = tmp_path / "bin" / "pagefind"
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


# --- indexing -----------------------------------------------------------------------------------


def test_build_indexes_paper_pages_into_pagefind(site: Path) -> None:
    report = build(load_config(site))
    bundle = report.output_dir / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    records = {r["meta"]["title"]: r for r in fragments(bundle)}
    # Only the two paper pages: listings, topics, search and saved pages are not results.
    assert sorted(r["url"] for r in records.values()) == ["/papers/piano/", "/papers/robot/"]
    piano = records["Piano transcription with pedals"]
    assert piano["filters"] == {"topic": ["Music"]}
    assert piano["meta"]["date"] == "2024-03-11"
    assert "Onsets and offsets of notes" in piano["content"]
    # Page furniture is not searchable text: no nav, no "Save", no "Abstract" heading, no date.
    for word in ("Topics", "Save", "Abstract", "Mar"):
        assert word not in piano["content"].split(), word


def test_results_honour_the_base_path(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", "base_url: https://u.github.io/repo/\n")
    out = build(load_config(site)).output_dir
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundle="/repo/pagefind/pagefind.js"' in page
    assert 'data-base="/repo/"' in page
    # Pagefind records site-relative URLs; search.js prefixes them with data-base.
    assert {r["url"] for r in fragments(out / "pagefind")} == {"/papers/piano/", "/papers/robot/"}


def test_site_without_papers_gets_no_index_and_says_so(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    out = build(load_config(site)).output_dir
    assert not (out / "pagefind").exists()
    assert 'data-papers="0"' in (out / "search" / "index.html").read_text(encoding="utf-8")


def test_search_off_builds_no_index_and_never_runs_pagefind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", "search: false\n")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    out = build(load_config(site)).output_dir
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()


def test_finds_the_binary_of_pagefind_bin() -> None:
    binary = find_pagefind()
    assert binary.is_file() and os.access(binary, os.X_OK)


# --- errors: clear messages, and the previous output stays ---------------------------------------


def build_fails(site: Path, match: str) -> SearchIndexError:
    config = load_config(site)
    before = tree(config.output_dir)
    with pytest.raises(SearchIndexError, match=match) as caught:
        build(config)
    assert tree(config.output_dir) == before  # the previous site, byte for byte
    assert [p.name for p in config.output_dir.parent.iterdir() if p.name.startswith(".")] == []
    return caught.value


@pytest.fixture
def built_once(site: Path) -> Path:
    build(load_config(site))
    return site


def test_missing_binary_is_a_clear_error(
    built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    error = build_fails(built_once, "Pagefind binary was not found")
    assert "pip install 'pagefind[bin]'" in str(error)
    assert "search: false" in str(error)


def test_failing_binary_shows_its_output(
    built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = fake_binary(tmp_path, "echo 'Error: the index exploded' >&2; exit 3")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    error = build_fails(built_once, "exit code 3")
    assert "the index exploded" in str(error)


def test_binary_that_cannot_run_is_a_clear_error(
    built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = fake_binary(tmp_path, "exit 0", executable=False)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    build_fails(built_once, "could not run the Pagefind binary")


def test_binary_that_writes_nothing_is_an_error(
    built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_binary(tmp_path, "exit 0")))
    build_fails(built_once, "wrote no pagefind/pagefind.js")


def test_hung_binary_times_out(
    built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_binary(tmp_path, "exec sleep 30")))
    monkeypatch.setattr(search, "TIMEOUT", 0.5)
    build_fails(built_once, "did not finish within")


def test_cli_prints_the_error_without_a_traceback(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert main(["--site", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert "Pagefind binary was not found" in err
    assert "Traceback" not in err


def test_index_site_leaves_a_folder_without_paper_pages_alone(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    index_site(tmp_path, binary=tmp_path / "never-run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


# --- reuse: a rebuild that changes no paper page does not re-index ------------------------------


@pytest.fixture
def pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every Pagefind command the build runs (it still runs for real)."""
    runs: list[list[str]] = []
    real = search.subprocess.run

    def counting(command, **kwargs):
        runs.append(command)
        return real(command, **kwargs)

    monkeypatch.setattr(search.subprocess, "run", counting)
    return runs


def test_rebuild_with_the_same_papers_reuses_the_index(site: Path, pagefind_runs) -> None:
    config = load_config(site)
    build(config)
    first = tree(config.output_dir / "pagefind")
    build(config)
    assert len(pagefind_runs) == 1
    assert tree(config.output_dir / "pagefind") == first


def test_style_edit_reuses_the_index_but_a_paper_edit_reindexes(site: Path, pagefind_runs) -> None:
    config = load_config(site)
    build(config)
    paper_page = config.output_dir / "papers" / "robot" / "index.html"
    before = paper_page.read_text(encoding="utf-8")
    (site / "themes" / "default" / "static").mkdir(parents=True)
    (site / "themes" / "default" / "templates").mkdir(parents=True)
    theme_css = Path(__file__).resolve().parents[2] / "themes" / "default" / "static" / "style.css"
    css = theme_css.read_text(encoding="utf-8") + "\nbody { color: red; }\n"
    (site / "themes" / "default" / "static" / "style.css").write_text(css, encoding="utf-8")
    config = load_config(site)
    assert config.theme_dir == site / "themes" / "default"
    build(config)
    assert paper_page.read_text(encoding="utf-8") != before  # the new CSS name
    assert len(pagefind_runs) == 1  # ...in every page, yet the same index
    paper = site / "content" / "papers" / "robot.md"
    paper.write_text(paper.read_text().replace("cups", "teapots"), encoding="utf-8")
    build(config)
    assert len(pagefind_runs) == 2
    robot = next(r for r in fragments(config.output_dir / "pagefind") if "Robots" in r["content"])
    assert "teapots" in robot["content"]
