"""new.py: `site-builder new DIR` makes a complete site, and never writes over anything."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder import __version__, new
from site_builder.cli import main
from site_builder.config import known_keys, load_config
from site_builder.load import load_papers
from site_builder.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[2]
FILES = {
    "site.yaml",
    "requirements.txt",
    "README.md",
    ".gitignore",
    "topics.yaml",
    "content/papers/denoising-diffusion-probabilistic-models.md",
    "templates/README.md",
    ".github/workflows/pages.yml",
}


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads `on` as a boolean
    return data


@pytest.fixture
def made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "reading-group"
    assert main(["new", str(folder)]) == 0
    return folder


def test_new_writes_a_complete_site_and_says_what_next(
    made: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tree(made) == FILES
    out = capsys.readouterr().out
    assert f"created a new site in {made.as_posix()}/" in out
    assert "site-builder serve" in out
    assert "Settings > Pages > Source: GitHub Actions" in out
    assert "https://USER.github.io/REPO/" in out


def test_site_yaml_lists_every_setting_and_its_real_default(made: Path) -> None:
    text = (made / "site.yaml").read_text(encoding="utf-8")
    config = load_config(made)
    assert config.title == "Reading group"  # from the folder name
    assert config.topics_file == made / "topics.yaml"
    shown: dict[str, Any] = {}
    for line in text.splitlines():
        match = re.fullmatch(r"(?:# )?([a-z_]+): .*", line)
        if match:
            shown.update(yaml.safe_load(line.removeprefix("# ")))
    assert set(shown) == set(known_keys())
    commented = {k for k in shown if f"\n# {k}: " in text}
    for key in commented:  # uncommenting a line must not change anything
        assert shown[key] == known_keys()[key][1], key
    assert {"title", "description", "base_url", "topics_file"}.isdisjoint(commented)


def test_topics_file_is_the_packaged_taxonomy_and_the_example_uses_its_topics(made: Path) -> None:
    packaged = REPO / "site_builder" / "data" / "topics.yaml"
    assert (made / "topics.yaml").read_bytes() == packaged.read_bytes()
    names = {t.name for t in load_taxonomy(made / "topics.yaml").topics}
    papers, warnings = load_papers(load_config(made))
    (paper,) = papers
    assert warnings == ()
    assert paper.arxiv == "2006.11239"
    assert paper.topics and set(paper.topics) <= names
    assert {link.kind for link in paper.links} == {"code", "pdf"}


def test_gitignore_and_templates_readme(made: Path) -> None:
    ignored = (made / ".gitignore").read_text().splitlines()
    assert "/output/" in ignored and "/.venv/" in ignored
    assert "extends" in (made / "templates" / "README.md").read_text()


def test_workflow_is_ours_but_installs_from_requirements(made: Path) -> None:
    ours = workflow(REPO / ".github" / "workflows" / "pages.yml")
    theirs = workflow(made / ".github" / "workflows" / "pages.yml")
    for key in ("on", "permissions", "concurrency"):
        assert theirs[key] == ours[key]
    (ours_job,) = ours["jobs"].values()
    (their_job,) = theirs["jobs"].values()
    assert their_job["environment"] == ours_job["environment"]
    assert [s.get("uses") for s in their_job["steps"]] == [s.get("uses") for s in ours_job["steps"]]
    runs = [s.get("run", "") for s in their_job["steps"]]
    assert any(r.startswith("pip install -r requirements.txt") for r in runs)
    setup = next(s for s in their_job["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
    assert [s for s in their_job["steps"] if "build" in s.get("run", "")] == [
        s for s in ours_job["steps"] if "build" in s.get("run", "")
    ]


@pytest.mark.parametrize("existing", ["notes.txt", ".hidden", "content/"])
def test_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    if existing.endswith("/"):
        (tmp_path / existing).mkdir()
    else:
        (tmp_path / existing).write_text("mine")
    before = tree(tmp_path)
    assert main(["new", str(tmp_path)]) == 1
    assert f"{tmp_path} is not empty" in capsys.readouterr().err
    assert tree(tmp_path) == before


def test_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").write_text("mine")
    assert main(["new", str(tmp_path / "x")]) == 1
    assert "is a file" in capsys.readouterr().err
    assert (tmp_path / "x").read_text() == "mine"


def test_dot_works_in_an_empty_folder_or_a_fresh_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "clone" / ".git").mkdir(parents=True)
    (tmp_path / "clone" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.chdir(tmp_path / "clone")
    assert main(["new", ".", "--title", "Lab papers"]) == 0
    out = capsys.readouterr().out
    assert "cd " not in out and "git init" not in out  # already here, already a repository
    assert load_config(Path(".")).title == "Lab papers"
    assert tree(Path(".")) == FILES | {".git/HEAD"}


def test_requirement_given_with_from(made: Path, tmp_path: Path) -> None:
    folder = tmp_path / "other"
    assert main(["new", str(folder), "--from", "git+https://github.com/o/site-builder@v1"]) == 0
    lines = (folder / "requirements.txt").read_text().splitlines()
    assert lines[-1] == "site-builder @ git+https://github.com/o/site-builder@v1"
    assert new.requirement_for("site-builder==2.0").line == "site-builder==2.0"


def test_requirement_pins_the_git_commit_this_was_installed_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = {
        "url": "https://github.com/o/site-builder",
        "vcs_info": {"vcs": "git", "commit_id": "0123abc"},
    }

    class Dist:
        def read_text(self, name: str) -> str | None:
            return json.dumps(record) if name == "direct_url.json" else None

    monkeypatch.setattr(new.metadata, "distribution", lambda name: Dist())
    req = new.requirement_for(None)
    assert req.line == "site-builder @ git+https://github.com/o/site-builder@0123abc"
    assert req.reachable


def test_requirement_falls_back_to_this_version_with_a_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Dist:
        def read_text(self, name: str) -> str | None:
            return json.dumps({"url": "file:///home/me/site-builder", "dir_info": {}})

    monkeypatch.setattr(new.metadata, "distribution", lambda name: Dist())
    created = new.create_site(tmp_path / "s")
    assert created.requirement.line == f"site-builder=={__version__}"
    assert not created.requirement.reachable
    assert "make it a git URL" in new.next_steps(created)
    assert "git repository" in (tmp_path / "s" / "requirements.txt").read_text()


def test_scaffold_files_live_inside_the_package() -> None:
    # Packaged with site_builder/, so a non-editable install can run `new`.
    assert new.SCAFFOLD.parent == REPO / "site_builder"
    assert all((new.SCAFFOLD / name).is_file() for name in new._SCAFFOLD_FILES)
    assert not os.path.relpath(new.PACKAGED_TOPICS, REPO).startswith("..")
