"""`site-builder check` on real builds: this repository's site passes, at / and under /repo/."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO, run_cli


@pytest.mark.parametrize("base_url", ["", "https://u.github.io/repo"], ids=["root", "sub-path"])
def test_bundled_site_passes_check(tmp_path: Path, base_url: str, capsys) -> None:
    out = tmp_path / "out"
    build = ["--site", str(REPO), "build", "--output", str(out), "--base-url", base_url]
    assert run_cli(*build) == 0
    capsys.readouterr()
    check = ["--site", str(REPO), "check", "--output", str(out), "--base-url", base_url]
    assert run_cli(*check) == 0, capsys.readouterr().out
    summary = capsys.readouterr().out.strip()
    assert "no problems in" in summary and "internal links" in summary


def test_check_catches_a_site_built_for_another_path(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert run_cli("--site", str(REPO), "build", "--output", str(out)) == 0
    capsys.readouterr()
    check = ["--site", str(REPO), "check", "--output", str(out)]
    assert run_cli(*check, "--base-url", "https://u.github.io/repo/") == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("is outside the site's base path /repo/" in line for line in lines)


def test_check_without_a_url_checks_the_site_as_it_was_built(tmp_path: Path, capsys) -> None:
    # site.yaml has no base_url; the site was built for a sub-path with --base-url, as the
    # README's command does: a plain `check` checks it under /repo/, not under /.
    out = tmp_path / "out"
    build = ["--site", str(REPO), "build", "--output", str(out)]
    assert run_cli(*build, "--base-url", "https://u.github.io/repo/") == 0
    capsys.readouterr()
    assert run_cli("--site", str(REPO), "check", "--output", str(out)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "checking as built, for https://u.github.io/repo/ (site.yaml says /)"
    assert "no problems in" in lines[-1]
