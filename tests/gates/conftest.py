"""Fixtures for the quality gates: the bundled site and the hostile site, each built once per
test session under /repo/ and served on 127.0.0.1, and one Chromium for all browser gates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.cli import main

from .support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    REQUIRE_BROWSER,
    build,
    missing,
    serve,
)

HOSTILE = REPO / "tests" / "sites" / "hostile"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.gates)


@dataclass(frozen=True)
class Built:
    site: Path  # the site folder (site.yaml, content/)
    output: Path  # the built site, served at `url`
    url: str  # http://127.0.0.1:PORT/repo/


def file_tree(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """Every file and folder under root (but not under `skip`): a file with its size and
    mtime, a folder with (0, 0) (its mtime changes whenever something inside it does)."""
    tree: dict[str, tuple[int, int]] = {}
    for path in root.rglob("*"):
        if any(path == s or path.is_relative_to(s) for s in skip):
            continue
        st = path.lstat()
        stamp = (0, 0) if path.is_dir() else (st.st_size, st.st_mtime_ns)
        tree[path.relative_to(root).as_posix()] = stamp
    return tree


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """This repository's own site (content/ and site.yaml), built for https://user.github.io/repo/."""
    output = build(REPO, tmp_path_factory.mktemp("bundled") / "repo")
    with serve(output) as url:
        yield Built(REPO, output, url)


@dataclass(frozen=True)
class HostileBuild(Built):
    root: Path  # the folder around the site; nothing may appear in it
    tree_before: dict[str, tuple[int, int]]
    tree_after: dict[str, tuple[int, int]]


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBuild]:
    """tests/sites/hostile/site plus the hostile dump ingested into it, built into its own
    output/. The site sits three folders deep so a '../../..' escape would land in `root`."""
    root = tmp_path_factory.mktemp("hostile")
    site = root / "a" / "b" / "c" / "site"
    shutil.copytree(HOSTILE / "site", site)
    # What a build may write: its output and its build cache, both inside the site folder.
    skip = (site / "content", site / "output", site / ".site-builder-cache")
    before = file_tree(root, skip)
    dump = HOSTILE / "dump.txt"
    assert main(["--site", str(site), "ingest", str(dump), "--year", "2026", "-q"]) == 0
    assert main(["--site", str(site), "build"]) == 0  # base_url comes from its site.yaml
    after = file_tree(root, skip)
    with serve(site / "output") as url:
        yield HostileBuild(site, site / "output", url, root, before, after)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A headless Debian Chromium per test module. Not per session: Playwright's sync API
    holds an event loop open, which would break later tests that run their own."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(
            "playwright is not installed",
            required=REQUIRE_BROWSER,
            switch="SITE_BUILDER_REQUIRE_BROWSER",
        )
    if not Path(CHROMIUM).exists():
        missing(
            f"{CHROMIUM} is missing (apt-get install chromium)",
            required=REQUIRE_BROWSER,
            switch="SITE_BUILDER_REQUIRE_BROWSER",
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
