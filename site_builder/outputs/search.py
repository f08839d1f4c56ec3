"""Full-text search with Pagefind: the search page, and the index built over the finished site.

Pagefind reads the built HTML, so indexing runs in write_site's ``finalize`` hook, on the
staging folder before it replaces output/: a failed index leaves the previous site in place.
Only paper pages are indexed, and only the parts the templates mark ``data-pagefind-body``
(title, authors, abstract; topics as a filter, title and date as metadata); see docs/search.md.

Pagefind cannot update an index, and a full run takes about a second per thousand papers. So
the bundle of the previous build is reused, hard-linked, when the paper pages it was made from
are the same (ignoring fingerprinted CSS/JS names): a rebuild in ``serve`` after a template,
style or listing change does not re-index. Any change to a paper page does.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from ..config import Config
from ..errors import SiteError

BUNDLE_DIR = "pagefind"  # the bundle's folder inside the site; search.html loads it from there
INDEXED = "papers/**/*.html"  # listings, topics and the like would only repeat the papers
DIGEST_FILE = ".site-builder-digest"  # in the bundle: what it was built from
# Fingerprinted asset URLs ("static/style.0123456789.css") change with every CSS or JS edit
# but never change what Pagefind indexes.
ASSET_URL = re.compile(rb"static/[^\"'\s>]*\.[0-9a-f]{10}\.(?:css|js)")
TIMEOUT = 600  # seconds; far above what 10,000 papers take, but a hung binary must not hang us
INSTALL_HINT = (
    "install it with: pip install 'pagefind[bin]', or turn search off with 'search: false' "
    "in site.yaml"
)


class SearchIndexError(SiteError):
    """Pagefind is missing, broken, or could not index the site."""


def finalizer(config: Config) -> Callable[[Path], None] | None:
    """The finalize step for write_site: index the staging folder, reusing output/'s bundle
    when nothing it was made from changed. None when search is off."""
    if not config.search:
        return None
    return functools.partial(index_site, previous=config.output_dir / BUNDLE_DIR)


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


def index_site(site_dir: Path, binary: Path | None = None, previous: Path | None = None) -> None:
    """Write the Pagefind bundle for the built site in ``site_dir`` into ``site_dir/pagefind/``,
    or reuse the bundle ``previous`` if it was made from the same paper pages.

    A site with no papers gets no bundle: Pagefind refuses to index nothing, and the search
    page then says there is nothing to search yet.
    """
    if not any((site_dir / "papers").glob("*/index.html")):
        return
    binary = binary or find_pagefind()
    digest = source_digest(site_dir, binary)
    bundle = site_dir / BUNDLE_DIR
    if previous is not None and _reuse(previous, bundle, digest):
        return
    _run_pagefind(site_dir, binary)
    (bundle / DIGEST_FILE).write_text(digest + "\n", encoding="utf-8")


def source_digest(site_dir: Path, binary: Path) -> str:
    """A hash of everything the index depends on: the indexed pages (asset names aside), the
    Pagefind binary and the options we run it with."""
    digest = hashlib.sha256()
    stat = binary.stat()
    digest.update(f"{binary.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{INDEXED}|".encode())
    for path in sorted((site_dir / "papers").rglob("*.html")):
        digest.update(path.relative_to(site_dir).as_posix().encode() + b"\0")
        digest.update(ASSET_URL.sub(b"static/*", path.read_bytes()) + b"\0")
    return digest.hexdigest()


def _reuse(previous: Path, bundle: Path, digest: str) -> bool:
    try:
        if (previous / DIGEST_FILE).read_text(encoding="utf-8").strip() != digest:
            return False
        if not (previous / "pagefind.js").is_file():
            return False
        shutil.copytree(previous, bundle, copy_function=_link_or_copy)
    except OSError:
        shutil.rmtree(bundle, ignore_errors=True)
        return False  # no usable previous bundle: index afresh
    return True


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link (instant, no extra space; nothing edits bundle files in place), else copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _run_pagefind(site_dir: Path, binary: Path) -> None:
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
