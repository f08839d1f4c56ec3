"""Outputs beyond the core pages (feeds, search, citations...), one module per feature.

Each producer takes the build's Renderer (config, site, views, templates) and yields
``(path inside output/, bytes)``. A feature switched off in site.yaml is simply not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import urls
from ..config import Config
from ..errors import Warn
from . import citations, daily, feeds, meta, papers_json, saved, search, sitemap

if TYPE_CHECKING:
    from ..render import Renderer

Page = tuple[str, bytes]
Producer = Callable[..., Iterator[Page]]  # called with the Renderer


def producers(config: Config) -> list[Producer]:
    """The producers of the enabled features, in a fixed order."""
    chosen: list[Producer] = []
    if config.feeds:
        chosen.append(feeds.produce)
    if config.daily_pages:
        chosen.append(daily.produce)
    if config.search:
        chosen.append(search.produce)
    if config.saved_list:
        chosen.append(saved.produce)
    chosen.append(papers_json.produce)  # always: the machine-readable index of the collection
    if config.citations:
        chosen.append(citations.produce)
    return chosen


def template_globals(config: Config, u: urls.Urls) -> dict[str, Any]:
    """Helpers templates call to link to feature outputs (None when the feature is off)."""
    return {
        **meta.template_globals(config, u),
        **feeds.template_globals(config, u),
        **daily.template_globals(config, u),
    }


def site_files(renderer: Renderer, pages: Sequence[Page]) -> list[Page]:
    """Files made from the finished list of pages (sitemap.xml, robots.txt)."""
    return list(sitemap.produce(renderer, pages))


def config_warnings(config: Config) -> tuple[Warn, ...]:
    """Settings that leave features out of the site (e.g. no base_url: no feeds)."""
    return meta.base_url_warnings(config)
