from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import main

REPO = Path(__file__).resolve().parents[2]
DUMP = REPO / "data" / "daily-papers.txt"


def run_cli(*args: str) -> int:
    return main(list(args))


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled dump ingested into an empty folder (no site.yaml: defaults apply)."""
    site = tmp_path_factory.mktemp("seed")
    assert run_cli("--site", str(site), "ingest", str(DUMP), "--year", "2026", "-q") == 0
    return site


@pytest.fixture(
    scope="module", params=["/", "https://user.github.io/repo/"], ids=["root", "subpath"]
)
def built(request: pytest.FixtureRequest, seed_site: Path, tmp_path_factory) -> tuple[Path, str]:
    """The seed site built at '/' and under '/repo/': (output folder, base path)."""
    out = tmp_path_factory.mktemp("out") / "site"
    args = ["--site", str(seed_site), "build", "--output", str(out)]
    if request.param != "/":
        args += ["--base-url", request.param]
    assert run_cli(*args) == 0
    return out, "/" if request.param == "/" else "/repo/"
