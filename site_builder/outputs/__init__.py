"""Outputs beyond the core pages (feeds, search, citations...), one module per feature.

Each producer takes the build's Renderer (config, site, views, templates) and yields
``(path inside output/, bytes)``. A feature switched off in site.yaml is simply not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..config import Config
from . import citations, papers_json

Page = tuple[str, bytes]
Producer = Callable[..., Iterator[Page]]  # called with the Renderer


def producers(config: Config) -> list[Producer]:
    """The producers of the enabled features, in a fixed order."""
    chosen: list[Producer] = []
    chosen.append(papers_json.produce)  # always: the machine-readable index of the collection
    if config.citations:
        chosen.append(citations.produce)
    return chosen
