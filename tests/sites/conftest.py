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
