"""BibTeX files: one per paper (papers/<slug>/<slug>.bib) and one per topic (all its papers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import urls
from ..cite import bib_file

if TYPE_CHECKING:
    from ..render import Renderer

Page = tuple[str, bytes]


def produce(renderer: Renderer) -> Iterator[Page]:
    views = renderer.paper_views
    entries = {slug: view.bibtex for slug, view in views.items() if view.bibtex}
    for paper in renderer.site.papers:
        yield urls.paper_bibtex(paper.slug), bib_file([entries[paper.slug]]).encode("utf-8")
    for topic in renderer.site.topics:
        members = (entries[slug] for slug in topic.paper_slugs)  # newest first, as on its page
        yield urls.topic_bibtex(topic.slug), bib_file(members).encode("utf-8")
