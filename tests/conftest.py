"""Shared test setup: import the package from this checkout, the real dump as a fixture, and
the fixtures of the browser tests (which import `browsing` only when a browser test asks)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytest.register_assert_rewrite("browsing")  # its asserts explain themselves as tests' do

# One day of a real daily-papers digest: 51 papers under a single "Mar 11" date line.
REAL_DUMP = ROOT / "data" / "daily-papers.txt"


@pytest.fixture
def real_dump() -> Path:
    return REAL_DUMP


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium per browser test module. Not per session: Playwright's sync API
    leaves an event loop marked as running, which would break later tests that run their own
    (tests/unit/test_serve.py calls asyncio.run)."""
    import browsing  # here, not at the top: tests without a browser need no Playwright

    with browsing.sync_api.sync_playwright() as p:
        b = browsing.launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def seed_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real dump ingested into an empty site, built once a session under /repo/ and served:
    http://127.0.0.1:PORT/repo/."""
    import browsing

    site = browsing.ingest(REAL_DUMP, tmp_path_factory.mktemp("site"))
    with browsing.served_site(site, tmp_path_factory.mktemp("www")) as url:
        yield url


@pytest.fixture(scope="module")
def site_url(seed_site_url: str) -> str:
    """The site a browser test module reads: the seed site, unless the module defines its own
    `site_url` fixture (the math site, this repository's own site)."""
    return seed_site_url
