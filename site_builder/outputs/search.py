"""Full-text search with Pagefind: the search page, and the index built over the finished site.

Pagefind reads the built HTML, so indexing runs in write_site's ``finalize`` hook, on the
staging folder before it replaces output/: a failed index leaves the previous site in place.
Only paper pages are indexed, and only the parts the templates mark ``data-pagefind-body``
(title, date, authors, topics, abstract); see docs/search.md.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

from .. import urls
from ..errors import SiteError
from ..render import Page, Renderer

BUNDLE_DIR = "pagefind"  # the bundle's folder inside the site; search.html loads it from there
INDEXED = "papers/**/*.html"  # listings, topics and the like would only repeat the papers
TIMEOUT = 600  # seconds; far above what 10,000 papers take, but a hung binary must not hang us
INSTALL_HINT = (
    "install it with: pip install 'pagefind[bin]', or turn search off with 'search: false' "
    "in site.yaml"
)


class SearchIndexError(SiteError):
    """Pagefind is missing, broken, or could not index the site."""


def produce(renderer: Renderer) -> Iterator[Page]:
    topics = [renderer.topic_views[t.slug] for t in renderer.site.topics]
    yield renderer.render(
        "search.html", urls.search(), topics=topics, paper_count=len(renderer.site.papers)
    )


def find_pagefind() -> Path:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one pagefind[bin] installed, else
    one on PATH (the lookup order of the ``pagefind`` package itself)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchIndexError(
            f"search needs Pagefind, which is not installed; {INSTALL_HINT}"
        ) from None
    binary = get_executable()
    if binary is None or not binary.is_file():
        where = f" (looked for {binary})" if binary is not None else ""
        raise SearchIndexError(f"the Pagefind binary was not found{where}; {INSTALL_HINT}")
    return binary


def index_site(site_dir: Path, binary: Path | None = None) -> None:
    """Write the Pagefind bundle for the built site in ``site_dir`` into ``site_dir/pagefind/``.

    A site with no papers gets no bundle: Pagefind refuses to index nothing, and the search
    page then says there is nothing to search yet.
    """
    if not any((site_dir / "papers").glob("*/index.html")):
        return
    binary = binary or find_pagefind()
    command = [
        str(binary),
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--glob",
        INDEXED,
        "--quiet",
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
            cwd=site_dir,
        )
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind ({binary}) did not finish within {TIMEOUT}s") from None
    except OSError as exc:  # not executable, wrong platform, vanished...
        raise SearchIndexError(
            f"could not run the Pagefind binary {binary}: {exc.strerror or exc}; {INSTALL_HINT}"
        ) from None
    if done.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index the site (exit code {done.returncode}):\n"
            + _tail(done.stderr + done.stdout)
        )
    if not (site_dir / BUNDLE_DIR / "pagefind.js").is_file():
        raise SearchIndexError(
            f"Pagefind ({binary}) ran but wrote no {BUNDLE_DIR}/pagefind.js:\n"
            + _tail(done.stderr + done.stdout)
        )


def _tail(output: str, lines: int = 15) -> str:
    kept = [line for line in output.strip().splitlines() if line.strip()][-lines:]
    return "\n".join(f"  {line}" for line in kept) or "  (no output)"
