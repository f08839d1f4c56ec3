"""Full-text search: the search page, and the static index written in write_site's finalize.

The index is built from the papers' records (site_builder/search_index.py), not from the
HTML, into the staging folder before it replaces output/: a failed index leaves the previous
site in place. An unchanged collection reuses output/'s bundle (hard links). See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from .. import urls
from ..config import Config
from ..render import Page, Renderer
from ..search_index import records_from_views, write_index

BUNDLE_DIR = "search-index"  # the bundle's folder inside the site; search.js loads it from there


def produce(renderer: Renderer) -> Iterator[Page]:
    topics = [renderer.topic_views[t.slug] for t in renderer.site.topics]
    yield renderer.render(
        "search.html", urls.search(), topics=topics, paper_count=len(renderer.site.papers)
    )


def finalizer(config: Config, renderer: Renderer) -> Callable[[Path], None] | None:
    """The finalize step for write_site: write the index into the staging folder. None when
    search is off. A site with no papers gets no bundle (the page says so)."""
    if not config.search:
        return None
    views = renderer.paper_views
    records = records_from_views(views[p.slug] for p in renderer.site.papers)
    previous = config.output_dir / BUNDLE_DIR

    def finalize(site_dir: Path) -> None:
        if records:
            write_index(records, site_dir / BUNDLE_DIR, previous=previous)

    return finalize
