"""Feature outputs beyond the HTML pages: feeds, day views, head metadata, papers.json,
the sitemap and the search index. Each module turns view data into bytes; none of them
imports the renderer, which calls them (imports run one way).
"""

from __future__ import annotations

from ..config import Config
from ..errors import Warn
from . import meta


def config_warnings(config: Config) -> tuple[Warn, ...]:
    """Settings that leave features out of the site (e.g. no base_url: no feeds)."""
    return meta.base_url_warnings(config)
