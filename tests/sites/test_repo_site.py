"""This repository is itself a site: its content builds, and it is what ingest makes of the dump."""

from __future__ import annotations

from pathlib import Path

from .conftest import DUMP, REPO, run_cli


def test_repository_site_builds_all_51_papers(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    # --strict wants a base_url: without one the build warns that feeds and sitemap are left out
    args = ["build", "--strict", "--base-url", "https://example.github.io/papers/"]
    assert run_cli("--site", str(REPO), *args, "--output", str(out)) == 0
    assert "built 51 papers" in capsys.readouterr().out
    assert len(list((out / "papers").glob("*/index.html"))) == 51


def test_reingesting_the_bundled_dump_changes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    for name in ("site.yaml",):
        (site / name).write_bytes((REPO / name).read_bytes())
    assert run_cli("--site", str(site), "ingest", str(DUMP), "-q") == 0
    fresh = {p.name: p.read_bytes() for p in (site / "content" / "papers").glob("*.md")}
    bundled = {p.name: p.read_bytes() for p in (REPO / "content" / "papers").glob("*.md")}
    assert fresh.keys() == bundled.keys()
    assert fresh == bundled
