"""Outputs beyond the core pages (feeds, search, citations...), one module per feature.

Each producer takes the build's Renderer (config, site, views, templates) and yields
``(path inside output/, bytes)``. A feature switched off in site.yaml is simply not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..config import Config
from . import saved, search

Page = tuple[str, bytes]
Producer = Callable[..., Iterator[Page]]  # called with the Renderer


def producers(config: Config) -> list[Producer]:
    """The producers of the enabled features, in a fixed order."""
    chosen: list[Producer] = []
    if config.search:
        chosen.append(search.produce)
    if config.saved_list:
        chosen.append(saved.produce)
    return chosen
