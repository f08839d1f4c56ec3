"""The route: one output of a build, known before anything is rendered.

A leaf module (it imports nothing of ours but urls), shared by the planner, the renderer, the
writer, the sitemap and the build cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# What renders a route. Listings show cards of the papers in ``Route.papers``.
PAPER = "paper"
HOME = "home"
TOPIC = "topic"
DAY = "day"
AUTHOR = "author"
AREA = "area"
LISTINGS = (HOME, TOPIC, DAY, AUTHOR, AREA)
TOPICS_INDEX = "topics-index"
DAYS_INDEX = "days-index"
AUTHORS_INDEX = "authors-index"
SEARCH = "search"
SAVED = "saved"
NOT_FOUND = "404"
SITE_FEED = "site-feed"
TOPIC_FEED = "topic-feed"
AUTHOR_FEED = "author-feed"
PAPER_BIB = "paper-bib"
TOPIC_BIB = "topic-bib"
PAPERS_JSON = "papers-json"
SITEMAP = "sitemap"
ROBOTS = "robots"


@dataclass(frozen=True)
class Route:
    """One file of the built site.

    ``deps`` is a hash of everything the file is made from (its data, the templates it uses,
    the config, the asset names, site-builder itself): equal hashes mean equal bytes, which is
    what lets a rebuild skip it.
    """

    url: str  # site-relative: '' (home), 'papers/x/', 'feed.xml'
    output: str  # the file inside output/: 'papers/x/index.html'
    kind: str  # one of the kinds above
    template: str | None = None
    subject: str = ""  # the paper, topic, author or area slug, or the day, the route is about
    page: int = 1  # of a paginated listing
    pages: int = 1
    papers: tuple[str, ...] = ()  # slugs of the papers it shows, in order
    indexable: bool = False  # listed in sitemap.xml
    lastmod: dt.date | None = None  # for the sitemap: the newest paper it shows
    deps: str = ""
