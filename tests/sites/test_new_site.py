"""A site made by `site-builder new` builds cleanly and passes `check`, as its workflow runs it."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli


def test_new_site_builds_strict_and_passes_check(tmp_path: Path, capsys) -> None:
    site = tmp_path / "papers"
    assert run_cli("new", str(site), "--from", "git+https://github.com/o/site-builder") == 0
    # What its Pages workflow runs, with the URL configure-pages reports (no trailing slash).
    url = "https://user.github.io/papers"
    assert run_cli("--site", str(site), "build", "--strict", "--base-url", url) == 0
    assert run_cli("--site", str(site), "check", "--base-url", url) == 0
    assert "no problems" in capsys.readouterr().out.splitlines()[-1]
    paper = site / "output" / "papers" / "denoising-diffusion-probabilistic-models" / "index.html"
    html = paper.read_text(encoding="utf-8")
    assert "Denoising Diffusion Probabilistic Models" in html
    assert 'href="/papers/topics/diffusion-models/"' in html
