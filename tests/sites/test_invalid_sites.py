"""Invalid fixture sites: the exact messages a user sees, exit code 1, the old output intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import run_cli

INVALID = Path(__file__).parent / "invalid"


@pytest.mark.parametrize("name", sorted(p.name for p in INVALID.iterdir() if p.is_dir()))
def test_invalid_site_reports_every_error(
    name: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / name
    shutil.copytree(INVALID / name, site)
    expected = (site / "expected.txt").read_text(encoding="utf-8")
    (site / "expected.txt").unlink()
    args_file = site / "args.txt"  # extra build flags, e.g. --strict
    args = args_file.read_text(encoding="utf-8").split() if args_file.exists() else []
    if args_file.exists():
        args_file.unlink()
    # Another command than build (ingest), run in the site folder as a user would run it.
    command_file = site / "command.txt"
    command = ["build", *args]
    if command_file.exists():
        command = command_file.read_text(encoding="utf-8").split()
        command_file.unlink()
        monkeypatch.chdir(site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    assert run_cli("--site", str(site), *command) == 1
    err = capsys.readouterr().err
    assert err == expected
    assert "Traceback" not in err
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before  # nothing written


def test_failed_build_leaves_previous_output_intact(tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "bad-front-matter", site)
    for bad in site.glob("content/papers/bad-*.md"):
        bad.unlink()
    assert run_cli("--site", str(site), "build") == 0
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    shutil.copy(
        INVALID / "bad-front-matter" / "content" / "papers" / "bad-yaml.md",
        site / "content" / "papers",
    )
    (site / "content" / "papers" / "good.md").write_text(
        "---\ntitle: Changed\ndate: 2026-03-12\n---\nNew.\n"
    )
    capsys.readouterr()
    assert run_cli("--site", str(site), "build") == 1
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".output")]
    assert leftovers == []


def test_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("build", "--no-such-flag")
    assert exc.value.code == 2


def test_debug_flag_shows_traceback(tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "bad-config", site)
    assert run_cli("--site", str(site), "--debug", "build") == 1
    assert "Traceback" in capsys.readouterr().err
