"""What the quality gates share: strict-in-CI tool checks, building a site, serving it on
127.0.0.1 under /repo/ as GitHub Pages would, and choosing one page of each kind to audit."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.cli import main

REPO = Path(__file__).resolve().parents[2]
BASE_URL = "https://user.github.io/repo/"
BASE_PATH = "/repo/"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# CI sets these so a missing tool fails the run instead of skipping the gate.
REQUIRE_BROWSER = bool(os.environ.get("SITE_BUILDER_REQUIRE_BROWSER"))
REQUIRE_TOOLS = bool(os.environ.get("SITE_BUILDER_REQUIRE_TOOLS"))


def missing(what: str, *, required: bool, switch: str = "SITE_BUILDER_REQUIRE_TOOLS") -> NoReturn:
    """Skip locally, fail in CI: a gate that silently skips in CI guards nothing."""
    if required:
        pytest.fail(f"{what} ({switch} is set, so this is a failure)", pytrace=False)
    pytest.skip(what)


def build(site: Path, output: Path, base_url: str = BASE_URL) -> Path:
    args = ["--site", str(site), "build", "--base-url", base_url, "--output", str(output)]
    assert main(args) == 0, f"building {site} failed"
    return output


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one folder at /repo/ and nothing else; unknown paths get the site's 404.html
    with status 404, as GitHub Pages does."""

    def __init__(self, *args: object, site: Path, **kwargs: object) -> None:
        self.site = site
        super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(BASE_PATH) and path != BASE_PATH.rstrip("/"):
            return str(self.site / "__not_under_the_base_path__")
        rel = path[len(BASE_PATH) :]
        target = (self.site / rel).resolve()
        if not target.is_relative_to(self.site.resolve()):
            return str(self.site / "__outside__")
        return str(target)  # the base class redirects /repo/x to /repo/x/ for folders

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site at http://127.0.0.1:PORT/repo/ and yield that URL."""
    handler = functools.partial(_PagesHandler, site=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_url(site: Path, page: Path, root_url: str) -> str:
    """The address a reader uses for a built file: pretty URLs end in '/'."""
    rel = page.relative_to(site).as_posix()
    if rel == "index.html":
        return root_url
    if rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return root_url + rel


def page_kind(site: Path, page: Path) -> str:
    """A page's template, guessed from its path: papers/a/ and papers/b/ are one kind,
    topics/ and topics/x/ and topics/x/page/2/ are three."""
    parts = page.relative_to(site).parts
    if parts == ("index.html",):
        return "home"
    if len(parts) == 1:
        return parts[0]
    dirs = parts[:-1] if parts[-1] == "index.html" else parts
    kind = [dirs[0]] + [d if d == "page" else "*" for d in dirs[1:]]
    return "/".join(kind)


def one_page_of_each_kind(site: Path) -> dict[str, Path]:
    """The biggest page of each kind: it has the most of what that template can show
    (badges, chips, long titles), so an audit of it covers the most."""
    chosen: dict[str, Path] = {}
    for page in html_pages(site):
        kind = page_kind(site, page)
        if kind not in chosen or page.stat().st_size > chosen[kind].stat().st_size:
            chosen[kind] = page
    return dict(sorted(chosen.items()))
