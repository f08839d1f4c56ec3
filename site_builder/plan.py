"""The route plan: the enriched Site into the complete, frozen list of outputs, before rendering.

Every URL of the build is decided here (through urls.py), path collisions are found here, and
each route gets ``deps``: a hash of everything its bytes depend on. The hash is built from
*inputs* (paper fingerprints, the listing it belongs to, its template and everything that
template includes or extends, the config, the asset names, site-builder's own code), never from
rendered output, so a rebuild can tell which routes to render without rendering anything.

A listing page depends on every paper it shows (their fingerprints are in its hash), on its
page number and page count (the pager), and on the listing's own name and size: that is what
keeps home, topic, day, author and area pages, feeds, papers.json and the sitemap fresh.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from . import urls
from .config import Config
from .errors import SiteError, raise_collected
from .model import Site
from .routes import (
    AREA,
    AUTHOR,
    AUTHOR_FEED,
    AUTHORS_INDEX,
    DAY,
    DAYS_INDEX,
    HOME,
    NOT_FOUND,
    PAPER,
    PAPER_BIB,
    PAPERS_JSON,
    ROBOTS,
    SAVED,
    SEARCH,
    SITE_FEED,
    SITEMAP,
    TOPIC,
    TOPIC_BIB,
    TOPIC_FEED,
    TOPICS_INDEX,
    Route,
)

FEED_LIMIT = 50  # newest papers per feed: enough for a reader who checks weekly
DAYS_PER_PAGE = 100  # days listed on one page of the days index
AUTHORS_PER_PAGE = 200  # authors listed on one page of the authors index


@dataclass(frozen=True)
class PlanInputs:
    """What the planner reads besides the Site."""

    config: Config
    fingerprints: Mapping[str, str]  # paper slug -> hash of everything a card or page shows
    citation_keys: Mapping[str, str]  # paper slug -> BibTeX key (empty when citations are off)
    template_hash: Callable[[str], str]  # template name -> hash of it and all it pulls in
    global_hash: str  # config, asset names, site-builder version and code
    asset_outputs: tuple[str, ...] = ()  # files the static folders put in output/
    user_static: frozenset[str] = frozenset()  # files of the site's own static/ folder
    cancel: Callable[[], None] | None = None  # called now and then; what it raises stops it


def has_site_url(config: Config) -> bool:
    return config.base_url.startswith(("http://", "https://"))


def feeds_enabled(config: Config) -> bool:
    return config.feeds and has_site_url(config)


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


class _Planner:
    def __init__(self, site: Site, inputs: PlanInputs):
        self.site, self.inputs, self.config = site, inputs, inputs.config
        self.fp = inputs.fingerprints
        self.dates = {p.slug: p.date for p in site.papers}
        self.routes: list[Route] = []

    def add(self, route: Route, *data: object) -> None:
        template = self.inputs.template_hash(route.template) if route.template else ""
        deps = _digest(route.kind, route.url, route.page, route.pages, template,
                       self.inputs.global_hash, data)  # fmt: skip
        self.routes.append(Route(**{**route.__dict__, "deps": deps}))
        if self.inputs.cancel is not None and len(self.routes) % 256 == 0:
            self.inputs.cancel()

    def page(self, kind: str, url: str, template: str | None, *data: object, **fields) -> None:
        output = urls.output_file(url)
        indexable = output.endswith(".html") and fields.pop("indexable", True)
        self.add(Route(url, output, kind, template, indexable=indexable, **fields), *data)

    def file(self, kind: str, url: str, *data: object, **fields) -> None:
        self.add(Route(url, urls.output_file(url), kind, **fields), *data)

    def listing(
        self,
        kind: str,
        subject: str,
        papers: Sequence[str],
        page_url: Callable[[int], str],
        template: str,
        *data: object,
    ) -> None:
        """A paginated listing; each page depends on the papers it shows and on its pager."""
        per_page = self.config.papers_per_page
        total = max(1, math.ceil(len(papers) / per_page))
        for n in range(1, total + 1):
            chunk = tuple(papers[(n - 1) * per_page : n * per_page])
            self.page(
                kind,
                page_url(n),
                template,
                len(papers),
                [self.fp[s] for s in chunk],
                *data,
                subject=subject,
                page=n,
                pages=total,
                papers=chunk,
                lastmod=max((self.dates[s] for s in chunk), default=None),
            )


def plan(site: Site, inputs: PlanInputs) -> tuple[Route, ...]:
    """Every output of the build, in a fixed order; raises SiteError on a path collision."""
    p = _Planner(site, inputs)
    config, fp = inputs.config, inputs.fingerprints
    slugs = [paper.slug for paper in site.papers]
    newest = site.papers[0].date if site.papers else None

    p.listing(HOME, "", slugs, urls.home, "index.html")
    for i, paper in enumerate(site.papers):
        newer = slugs[i - 1] if i > 0 else None
        older = slugs[i + 1] if i + 1 < len(slugs) else None
        related = site.related.get(paper.slug, ())
        p.page(
            PAPER,
            urls.paper(paper.slug),
            "paper.html",
            fp[paper.slug],
            inputs.citation_keys.get(paper.slug),
            [(s, fp.get(s)) for s in (newer, older) if s],
            [(s, fp.get(s)) for s in related],
            subject=paper.slug,
            papers=(paper.slug,),
            lastmod=paper.date,
        )
    topic_info = [(t.slug, t.name, t.description, t.area, len(t.paper_slugs)) for t in site.topics]
    area_info = [(a.slug, a.name, a.description, a.topic_slugs, len(a.paper_slugs))
                 for a in site.areas]  # fmt: skip
    p.page(TOPICS_INDEX, urls.topics_index(), "topics.html", topic_info, area_info,
           lastmod=newest)  # fmt: skip
    for topic in site.topics:
        p.listing(TOPIC, topic.slug, topic.paper_slugs, _paged(urls.topic, topic.slug),
                  "topic.html", topic.name, topic.description, topic.area)  # fmt: skip
    for area in site.areas:
        members = [t for t in topic_info if t[3] == area.slug]
        p.listing(AREA, area.slug, area.paper_slugs, _paged(urls.area, area.slug), "area.html",
                  area.name, area.description, members)  # fmt: skip
    if site.authors:
        _authors(p, site)
    p.page(NOT_FOUND, urls.not_found(), "404.html", indexable=False)

    if feeds_enabled(config):
        p.file(SITE_FEED, urls.site_feed(), [fp[s] for s in slugs[:FEED_LIMIT]],
               papers=tuple(slugs[:FEED_LIMIT]))  # fmt: skip
        for topic in site.topics:
            shown = topic.paper_slugs[:FEED_LIMIT]
            p.file(TOPIC_FEED, urls.topic_feed(topic.slug), topic.name, topic.description,
                   [fp[s] for s in shown], subject=topic.slug, papers=shown)  # fmt: skip
        for author in site.authors:
            shown = author.paper_slugs[:FEED_LIMIT]
            p.file(AUTHOR_FEED, urls.author_feed(author.slug), author.name,
                   [fp[s] for s in shown], subject=author.slug, papers=shown)  # fmt: skip
    if config.daily_pages:
        _days(p, site)
    if config.search:
        p.page(SEARCH, urls.search(), "search.html", topic_info, len(slugs), indexable=False)
    if config.saved_list:
        p.page(SAVED, urls.saved(), "saved.html", indexable=False)
    p.file(PAPERS_JSON, urls.papers_json(),
           _digest([(s, fp[s], site.related.get(s, ())) for s in slugs]))  # fmt: skip
    if config.citations:
        keys = inputs.citation_keys
        for s in slugs:
            p.file(PAPER_BIB, urls.paper_bibtex(s), fp[s], keys[s], subject=s, papers=(s,))
        for topic in site.topics:
            p.file(TOPIC_BIB, urls.topic_bibtex(topic.slug),
                   [(fp[s], keys[s]) for s in topic.paper_slugs],
                   subject=topic.slug, papers=topic.paper_slugs)  # fmt: skip

    with_sitemap = has_site_url(config) and urls.sitemap() not in inputs.user_static
    if with_sitemap:
        entries = sitemap_entries(p.routes, lambda rel: rel)
        p.file(SITEMAP, urls.sitemap(), _digest(entries))
    if urls.robots() not in inputs.user_static:
        p.file(ROBOTS, urls.robots(), with_sitemap)
    routes = tuple(p.routes)
    check_collisions(routes, inputs.asset_outputs)
    return routes


def _paged(make: Callable[[str, int], str], subject: str) -> Callable[[int], str]:
    return lambda n: make(subject, n)


def _authors(p: _Planner, site: Site) -> None:
    ordered = sorted(site.authors, key=lambda a: (a.name.casefold(), a.slug))
    total = max(1, math.ceil(len(ordered) / AUTHORS_PER_PAGE))
    for n in range(1, total + 1):
        chunk = ordered[(n - 1) * AUTHORS_PER_PAGE : n * AUTHORS_PER_PAGE]
        p.page(AUTHORS_INDEX, urls.authors_index(n), "authors.html",
               [(a.slug, a.name, len(a.paper_slugs)) for a in chunk], len(ordered),
               page=n, pages=total)  # fmt: skip
    for author in site.authors:
        p.listing(AUTHOR, author.slug, author.paper_slugs, _paged(urls.author, author.slug),
                  "author.html", author.name)  # fmt: skip


def day_counts(site: Site) -> list[tuple[str, int]]:
    """Every day with papers, newest first, with its number of papers."""
    counts: dict[str, int] = {}
    for paper in site.papers:  # newest first
        key = paper.date.isoformat()
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), reverse=True)


def _days(p: _Planner, site: Site) -> None:
    by_day: dict[str, list[str]] = {}
    for paper in site.papers:
        by_day.setdefault(paper.date.isoformat(), []).append(paper.slug)
    days = day_counts(site)
    for i, (day, _count) in enumerate(days):
        newer = days[i - 1][0] if i > 0 else None
        older = days[i + 1][0] if i + 1 < len(days) else None
        p.listing(DAY, day, by_day[day], _paged(urls.day, day), "day.html", newer, older)
    total = max(1, math.ceil(len(days) / DAYS_PER_PAGE))
    for n in range(1, total + 1):
        chunk = days[(n - 1) * DAYS_PER_PAGE : n * DAYS_PER_PAGE]
        p.page(DAYS_INDEX, urls.days_index(n), "days.html", chunk, len(days), page=n,
               pages=total, subject=chunk[0][0] if chunk else "",
               lastmod=p.dates[by_day[chunk[0][0]][0]] if chunk else None)  # fmt: skip


def sitemap_entries(
    routes: Iterable[Route], absolute: Callable[[str], str]
) -> list[tuple[str, str | None]]:
    """(absolute URL, lastmod) of every indexable page, in plan order."""
    return [
        (absolute(quote(r.url)), r.lastmod.isoformat() if r.lastmod else None)
        for r in routes
        if r.indexable
    ]


def check_collisions(routes: Sequence[Route], asset_outputs: Iterable[str]) -> None:
    """Two outputs for one file is an error, found before anything is rendered."""
    owner: dict[str, str] = {out: f"static file {out}" for out in asset_outputs}
    errors: list[SiteError] = []
    for route in routes:
        what = f"the {route.kind} page {route.url or '/'}"
        if route.output in owner:
            errors.append(SiteError(f"two outputs want {route.output}: {owner[route.output]} "
                                    f"and {what}"))  # fmt: skip
        else:
            owner[route.output] = what
    raise_collected(errors)
