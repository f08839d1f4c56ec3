"""The Saved page (``saved/``): filled in the browser by saved.js from localStorage.

There is no server side to a saved list, so the page is a shell; see docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from ..render import Page, Renderer


def produce(renderer: Renderer) -> Iterator[Page]:
    yield renderer.render("saved.html", urls.saved())
