"""The GitHub Pages workflow: what GitHub needs to deploy, and commands our CLI really accepts."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.cli import main

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"

# Current major versions (GitHub's Pages starter workflows, checked 2026-11). A bump is a
# deliberate change: update here and in site_builder/scaffold/pages.yml together.
MAJORS = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def step_using(workflow: dict[str, Any], action: str) -> dict[str, Any]:
    (found,) = [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]
    return found


def index_of(workflow: dict[str, Any], predicate: Any) -> int:
    return next(i for i, s in enumerate(steps(workflow)) if predicate(s))


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW)


def test_runs_on_push_to_main_and_by_hand(workflow: dict[str, Any]) -> None:
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow["on"]


def test_permissions_and_concurrency_as_github_starter(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_deploys_to_the_github_pages_environment(workflow: dict[str, Any]) -> None:
    (job,) = workflow["jobs"].values()
    assert job["environment"]["name"] == "github-pages"
    assert job["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert step_using(workflow, "actions/deploy-pages")["id"] == "deployment"


def test_uses_current_major_versions(workflow: dict[str, Any]) -> None:
    used = dict(s["uses"].split("@") for s in steps(workflow) if "uses" in s)
    assert used == MAJORS


def test_python_311_with_pip_cache_and_the_project_installed(workflow: dict[str, Any]) -> None:
    setup = step_using(workflow, "actions/setup-python")["with"]
    assert setup["python-version"] == "3.11"
    assert setup["cache"] == "pip"
    assert (REPO / setup["cache-dependency-path"]).is_file()
    assert any(s.get("run", "").strip() == "pip install ." for s in steps(workflow))


def test_builds_with_the_pages_url_then_uploads_output(workflow: dict[str, Any]) -> None:
    assert step_using(workflow, "actions/configure-pages")["id"] == "pages"
    build = next(s for s in steps(workflow) if "site-builder build" in s.get("run", ""))
    assert build["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert step_using(workflow, "actions/upload-pages-artifact")["with"]["path"] == "output/"
    order = [
        index_of(workflow, lambda s: s.get("uses", "").startswith("actions/checkout")),
        index_of(workflow, lambda s: s.get("run", "").strip() == "pip install ."),
        index_of(workflow, lambda s: s.get("id") == "pages"),
        index_of(workflow, lambda s: "site-builder build" in s.get("run", "")),
        index_of(workflow, lambda s: "site-builder check" in s.get("run", "")),
        index_of(workflow, lambda s: "upload-pages-artifact" in s.get("uses", "")),
        index_of(workflow, lambda s: s.get("id") == "deployment"),
    ]
    assert order == sorted(order)


def run_step(step: dict[str, Any], env: dict[str, str], site: Path) -> int:
    """Run a `site-builder ...` step in-process, with the step's env as the runner would."""
    command = step["run"]
    for name, value in env.items():
        command = command.replace(f'"${name}"', shlex.quote(value))
    argv = shlex.split(command)
    assert argv[0] == "site-builder"
    return main(["--site", str(site), *argv[1:]])


@pytest.mark.parametrize(
    "pages_base_url",
    ["https://user.github.io/repo", "https://papers.example.org"],
    ids=["project-site", "custom-domain"],
)
def test_the_build_and_check_steps_work_with_what_configure_pages_reports(
    workflow: dict[str, Any], tmp_path: Path, pages_base_url: str
) -> None:
    # configure-pages reports the URL without a trailing slash; the build must still put every
    # page under /repo/ (or / for a custom domain), and the check step must agree.
    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "content" / "papers" / "x.md").write_text(
        "---\ntitle: A paper\ndate: 2026-03-11\n---\n\nAn abstract.\n", encoding="utf-8"
    )
    env = {"BASE_URL": pages_base_url}
    for name in ("site-builder build", "site-builder check"):
        step = next(s for s in steps(workflow) if name in s.get("run", ""))
        assert run_step(step, env, site) == 0
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    path = "/repo/" if pages_base_url.endswith("/repo") else "/"
    assert f'href="{path}papers/x/"' in home
