"""validate_sources: content and taxonomy errors found in the same run, paths site-relative."""

from __future__ import annotations

from pathlib import Path

from site_builder.config import load_config
from site_builder.validate import validate_sources


def test_content_and_taxonomy_errors_come_together(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("topics_file: t.yaml\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text("fallback: ML\ntopics: 3\n", encoding="utf-8")
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.md").write_text("---\ntitle: A\n---\nText.\n", encoding="utf-8")
    (papers / "b.md").write_text("---\ntitle: B\ndate: 2026-01-02\n---\nText.\n", encoding="utf-8")
    sources = validate_sources(load_config(tmp_path))
    got, taxonomy, found = sources.papers, sources.taxonomy, sources.found
    assert got == () and taxonomy is None
    errors = [str(d) for d in found.errors]
    assert errors[0] == "content/papers/a.md:1: 'date' is required (YYYY-MM-DD)"
    assert errors[1].startswith("t.yaml:2: ")  # relative to the site, not absolute
    assert len(errors) == 2


def test_clean_sources_give_papers_taxonomy_and_warnings(tmp_path: Path) -> None:
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.md").write_text(
        "---\ntitle: A\ndate: 2026-01-02\nautors: [X]\n---\nText.\n", encoding="utf-8"
    )
    sources = validate_sources(load_config(tmp_path))
    got, taxonomy, found = sources.papers, sources.taxonomy, sources.found
    assert [p.slug for p in got] == ["a"] and taxonomy is not None
    assert found.ok
    warnings = [str(d) for d in found.warnings]
    assert warnings[:1] == [
        "content/papers/a.md:4: unknown front matter key 'autors' (did you mean 'authors'?)"
    ]
    assert warnings[1].startswith("site.yaml: base_url is not set")


def test_authors_yaml_errors_come_with_content_and_taxonomy_errors(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("topics_file: t.yaml\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text("fallback: ML\ntopics: 3\n", encoding="utf-8")
    (tmp_path / "authors.yaml").write_text("merge: 3\n", encoding="utf-8")
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.md").write_text("---\ntitle: A\n---\nText.\n", encoding="utf-8")
    found = validate_sources(load_config(tmp_path)).found
    where = [str(d).split(":")[0] for d in found.errors]
    assert where == ["content/papers/a.md", "t.yaml", "authors.yaml"]
