"""What the browser tests share: Debian's Chromium driven by Playwright, and sites built for
https://u.github.io/repo/ and served under /repo/ on 127.0.0.1, as GitHub Pages would.

A browser test module imports from here (`from browsing import MARK`, then
`pytestmark = MARK`). The import itself skips that module where Playwright or Chromium is
missing, and fails it instead when SITE_BUILDER_REQUIRE_BROWSER is set (CI: no silent skips).
The fixtures `browser`, `seed_site_url` and `site_url` are in conftest.py.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from gates.support import CHROMIUM, CHROMIUM_ARGS  # the Chromium the quality gates drive too

from site_builder.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

REPO = Path(__file__).resolve().parents[1]
DUMP = REPO / "data" / "daily-papers.txt"  # the bundled digest: 51 papers of one day
BASE_URL = "https://u.github.io/repo/"
MARK = pytest.mark.browser

if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER"):  # CI: no silent skips
    import playwright.sync_api as sync_api

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing"
else:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium, without the network chatter of a desktop browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 at a free port, and yield its URL (http://127.0.0.1:PORT/).
    127.0.0.1 is a secure context, so navigator.clipboard exists as on GitHub Pages (https)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def ingest(dump: Path, site: Path) -> Path:
    """Ingest a daily-papers digest (its dates are in 2026) into `site`."""
    assert main(["--site", str(site), "ingest", str(dump), "--year", "2026", "-q"]) == 0
    return site


def build_under_repo(site: Path, root: Path, base_url: str = BASE_URL) -> Path:
    """Build `site` for `base_url` into root/repo/, and return that folder."""
    output = root / "repo"
    args = ["--site", str(site), "build", "--base-url", base_url, "--output", str(output)]
    assert main(args) == 0, f"building {site} failed"
    return output


@contextmanager
def served_site(site: Path, root: Path) -> Iterator[str]:
    """Build `site` under root/repo/, serve `root`, and yield the site's URL (…/repo/)."""
    build_under_repo(site, root)
    with serve(root) as url:
        yield url + "repo/"
