"""Full-text search: the static index written into the staging folder before the swap.

The index is built from the papers' records (site_builder/search_index.py), not from the
HTML: a failed index leaves the previous site in place, and an unchanged collection reuses
output/'s bundle (hard links). The search page itself is a route of the plan. See
docs/search.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import Config
from ..search_index import SearchRecord, write_index

BUNDLE_DIR = "search-index"  # the bundle's folder inside the site; search.js loads it from there


def finalizer(config: Config, records: Sequence[SearchRecord]) -> Callable[[Path], None] | None:
    """The finalize step: write the index into the staging folder. None when search is off.
    A site with no papers gets no bundle (the search page says so)."""
    if not config.search:
        return None
    previous = config.output_dir / BUNDLE_DIR

    def finalize(site_dir: Path) -> None:
        if records:
            write_index(records, site_dir / BUNDLE_DIR, previous=previous)

    return finalize
