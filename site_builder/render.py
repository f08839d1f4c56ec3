"""Render one route to bytes. One Jinja2 environment per build.

Template lookup: the site's own ``templates/``, then the chosen theme, then the default theme.
A template that overrides another can still extend it by a prefixed name:
``{% extends "default/paper.html" %}`` (the packaged default theme) or ``"theme/paper.html"``
(the chosen theme).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.meta

from . import cite, routes, urls
from .config import Config, builtin_themes_dir
from .errors import ThemeError
from .model import Area, Author, Site
from .outputs import daily, feeds, meta, papers_json, sitemap
from .plan import (
    AUTHORS_PER_PAGE,
    DAYS_PER_PAGE,
    FEED_LIMIT,
    day_counts,
    has_site_url,
    sitemap_entries,
)
from .routes import Route
from .template_errors import template_diagnostic
from .views import (
    AreaView,
    AuthorView,
    CardView,
    SiteView,
    TopicView,
    ViewStore,
    pager,
    topic_view,
)


def template_dirs(config: Config) -> list[Path]:
    default = builtin_themes_dir() / "default" / "templates"
    dirs = [config.templates_dir, config.theme_dir / "templates", default]
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.append(d.resolve())
    return seen


def make_loader(config: Config) -> jinja2.BaseLoader:
    default = builtin_themes_dir() / "default" / "templates"
    return jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
            jinja2.PrefixLoader(
                {
                    "default": jinja2.FileSystemLoader(str(default)),
                    "theme": jinja2.FileSystemLoader(str(config.theme_dir / "templates")),
                }
            ),
        ]
    )


def make_environment(config: Config, asset_urls: dict[str, str]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=make_loader(config),
        autoescape=True,  # every template, whatever its name: content is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build reads each template once
    )
    u = urls.Urls(config.base_path, config.base_url)

    def asset(name: str) -> str:
        if name not in asset_urls:
            raise ThemeError(f"no static file '{name}' in the theme")
        return u.path(asset_urls[name])

    env.globals.update(url=u.path, absolute_url=u.absolute, asset=asset)
    env.globals.update(meta.template_globals(config, u))
    env.globals.update(feeds.template_globals(config, u))
    env.globals.update(daily.template_globals(config, u))
    return env


class TemplateHashes:
    """Hash of a template and of everything it extends, includes or imports, by name.

    A template that names another through a variable cannot be followed; it then depends on
    every template there is, which is always correct, only slower to rebuild.
    """

    def __init__(self, loader: jinja2.BaseLoader, env: jinja2.Environment):
        self.loader, self.env = loader, env
        self._own: dict[str, tuple[bytes, tuple[str, ...] | None]] = {}
        self._closure: dict[str, str] = {}

    def _read(self, name: str) -> tuple[bytes, tuple[str, ...] | None]:
        if name not in self._own:
            try:
                source, _path, _uptodate = self.loader.get_source(self.env, name)
            except jinja2.TemplateNotFound:
                self._own[name] = (b"<missing>", ())
                return self._own[name]
            try:
                found = tuple(jinja2.meta.find_referenced_templates(self.env.parse(source)))
                refs: tuple[str, ...] | None = (
                    None if any(r is None for r in found) else tuple(str(r) for r in found)
                )
            except jinja2.TemplateSyntaxError:
                refs = ()  # the render reports it, with its line
            self._own[name] = (source.encode("utf-8"), refs)
        return self._own[name]

    def all_templates(self) -> list[str]:
        return sorted(self.loader.list_templates())

    def __call__(self, name: str) -> str:
        if name in self._closure:
            return self._closure[name]
        seen: dict[str, bytes] = {}
        pending = [name]
        everything = False
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            source, refs = self._read(current)
            seen[current] = source
            if refs is None:
                everything = True
                break
            pending.extend(refs)
        if everything:
            for other in self.all_templates():
                seen.setdefault(other, self._read(other)[0])
        digest = hashlib.blake2b(digest_size=16)
        for key in sorted(seen):
            digest.update(key.encode() + b"\0" + seen[key] + b"\0")
        self._closure[name] = digest.hexdigest()
        return self._closure[name]


class RouteRenderer:
    """Renders routes of one planned site. Template errors become ThemeError with the line."""

    def __init__(
        self,
        config: Config,
        site: Site,
        views: ViewStore,
        env: jinja2.Environment,
        all_routes: Callable[[], tuple[Route, ...]],
    ):
        self.config, self.site, self.views, self.env = config, site, views, env
        self.all_routes = all_routes  # for the sitemap
        self.u = urls.Urls(config.base_path, config.base_url)
        u = self.u
        self.site_view = SiteView(
            title=config.title,
            description=config.description,
            language=config.language,
            author=config.author,
            home_url=u.path(urls.home()),
            topics_url=u.path(urls.topics_index()),
            base_url=config.base_url,
            search_url=u.path(urls.search()) if config.search else None,
            saved_url=u.path(urls.saved()) if config.saved_list else None,
            authors_url=u.path(urls.authors_index()) if site.authors else None,
        )
        # A global too, so macros imported without context (paper_card) can read it.
        self.env.globals["site"] = self.site_view
        self.topics = {t.slug: t for t in site.topics}
        self.areas = {a.slug: a for a in site.areas}
        self.authors = {a.slug: a for a in site.authors}
        self._topic_views: dict[str, TopicView] = {}
        self.day_counts = dict(day_counts(site))  # newest first
        self.days = list(self.day_counts)
        self._positions: dict[str, int] | None = None
        self.host = urlsplit(config.base_url).hostname or "localhost"
        self._dispatch: dict[str, Callable[[Route], bytes]] = {
            routes.PAPER: self._paper,
            routes.HOME: self._listing,
            routes.TOPIC: self._listing,
            routes.DAY: self._listing,
            routes.AUTHOR: self._listing,
            routes.AREA: self._listing,
            routes.TOPICS_INDEX: self._topics_index,
            routes.DAYS_INDEX: self._days_index,
            routes.AUTHORS_INDEX: self._authors_index,
            routes.SEARCH: self._search,
            routes.SAVED: self._plain,
            routes.NOT_FOUND: self._plain,
            routes.SITE_FEED: self._feed,
            routes.TOPIC_FEED: self._feed,
            routes.AUTHOR_FEED: self._feed,
            routes.PAPER_BIB: self._paper_bib,
            routes.TOPIC_BIB: self._topic_bib,
            routes.PAPERS_JSON: self._papers_json,
            routes.SITEMAP: self._sitemap,
            routes.ROBOTS: self._robots,
        }

    def render(self, route: Route) -> bytes:
        return self._dispatch[route.kind](route)

    # -- HTML ------------------------------------------------------------------------------

    def _html(self, route: Route, **context: Any) -> bytes:
        assert route.template is not None
        try:
            html = self.env.get_template(route.template).render(
                site=self.site_view, page_url=self.u.path(route.url), **context
            )
        except jinja2.TemplateNotFound as exc:
            where = ", ".join(map(str, template_dirs(self.config)))
            raise ThemeError(f"template '{exc.name}' not found in {where}") from None
        except ThemeError as exc:  # asset() with an unknown name: still say which line
            raise ThemeError.of(
                template_diagnostic(
                    exc, route.template, self.u.path(route.url), self.config.site_dir
                )
            ) from None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            raise ThemeError.of(
                template_diagnostic(
                    exc, route.template, self.u.path(route.url), self.config.site_dir
                )
            ) from None
        return html.encode("utf-8")

    def topic_view(self, slug: str) -> TopicView:
        if slug not in self._topic_views:
            self._topic_views[slug] = topic_view(
                self.topics[slug], self.u, citations=self.config.citations
            )
        return self._topic_views[slug]

    def cards(self, route: Route) -> list[CardView]:
        return [self.views.card(s) for s in route.papers]

    def _pager(self, route: Route, page_url: Callable[[int], str]):
        return pager(route.page, route.pages, page_url, self.u)

    def _paper(self, route: Route) -> bytes:
        return self._html(route, paper=self.views.paper(route.subject))

    def _listing(self, route: Route) -> bytes:
        s = route.subject
        context: dict[str, Any] = {"topic": None}
        if route.kind == routes.HOME:
            page_url: Callable[[int], str] = urls.home
            total = len(self.site.papers)
        elif route.kind == routes.TOPIC:
            page_url = lambda n: urls.topic(s, n)  # noqa: E731
            total = len(self.topics[s].paper_slugs)
            context["topic"] = self.topic_view(s)
        elif route.kind == routes.DAY:
            page_url = lambda n: urls.day(s, n)  # noqa: E731
            context["day"] = self._day_view(s)
            total = context["day"].count
        elif route.kind == routes.AUTHOR:
            page_url = lambda n: urls.author(s, n)  # noqa: E731
            author = self.authors[s]
            total = len(author.paper_slugs)
            context["author"] = self.author_view(author)
        else:  # AREA
            page_url = lambda n: urls.area(s, n)  # noqa: E731
            area = self.areas[s]
            total = len(area.paper_slugs)
            context["area"] = self.area_view(area)
            context["area_topics"] = [self.topic_view(t) for t in area.topic_slugs
                                      if t in self.topics]  # fmt: skip
        return self._html(
            route,
            papers=self.cards(route),
            pager=self._pager(route, page_url),
            total_papers=total,
            **context,
        )

    def _day_view(self, date_iso: str) -> daily.DayView:
        days = self.days
        i = days.index(date_iso) if len(days) < 64 else self._day_position()[date_iso]
        return daily.day_view(
            date_iso,
            self.day_counts[date_iso],
            days[i - 1] if i > 0 else None,
            days[i + 1] if i + 1 < len(days) else None,
            self.u,
        )

    def _day_position(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {d: i for i, d in enumerate(self.days)}
        return self._positions

    def _topics_index(self, route: Route) -> bytes:
        topics = [self.topic_view(t.slug) for t in self.site.topics]
        areas = [
            (self.area_view(a), [self.topic_view(t) for t in a.topic_slugs if t in self.topics])
            for a in self.site.areas
        ]
        return self._html(route, topics=topics, areas=areas)

    def _days_index(self, route: Route) -> bytes:
        days = self.days
        chunk = days[(route.page - 1) * DAYS_PER_PAGE : route.page * DAYS_PER_PAGE]
        views = [self._day_view(d) for d in chunk]
        return self._html(
            route,
            months=daily.months(views),
            total_days=len(days),
            pager=self._pager(route, urls.days_index),
        )

    def _authors_index(self, route: Route) -> bytes:
        ordered = sorted(self.site.authors, key=lambda a: (a.name.casefold(), a.slug))
        chunk = ordered[(route.page - 1) * AUTHORS_PER_PAGE : route.page * AUTHORS_PER_PAGE]
        return self._html(
            route,
            authors=[self.author_view(a) for a in chunk],
            total_authors=len(ordered),
            pager=self._pager(route, urls.authors_index),
        )

    def _search(self, route: Route) -> bytes:
        topics = [self.topic_view(t.slug) for t in self.site.topics]
        return self._html(route, topics=topics, paper_count=len(self.site.papers))

    def _plain(self, route: Route) -> bytes:
        return self._html(route)

    def area_view(self, area: Area) -> AreaView:
        return AreaView(
            name=area.name,
            slug=area.slug,
            url=self.u.path(urls.area(area.slug)),
            description=area.description,
            count=len(area.paper_slugs),
        )

    def author_view(self, author: Author) -> AuthorView:
        on = feeds.enabled(self.config)
        return AuthorView(
            name=author.name,
            slug=author.slug,
            url=self.u.path(urls.author(author.slug)),
            count=len(author.paper_slugs),
            feed_url=self.u.path(urls.author_feed(author.slug)) if on else None,
        )

    # -- data files ------------------------------------------------------------------------

    def _feed(self, route: Route) -> bytes:
        config, u = self.config, self.u
        scheme = u.absolute(urls.topics_index())
        author = config.author or config.title
        if route.kind == routes.SITE_FEED:
            title, subtitle, page = config.title, config.description, urls.home()
        elif route.kind == routes.TOPIC_FEED:
            topic = self.topics[route.subject]
            title, subtitle = f"{topic.name} · {config.title}", topic.description
            page = urls.topic(topic.slug)
        else:
            person = self.authors[route.subject]
            title, subtitle = f"{person.name} · {config.title}", ""
            page = urls.author(person.slug)
        info = feeds.FeedInfo(
            id=u.absolute(route.url),
            title=title,
            subtitle=subtitle,
            self_url=u.absolute(route.url),
            page_url=u.absolute(page),
            author=author,
            language=config.language,
            category_scheme=scheme,
        )
        shown = route.papers[:FEED_LIMIT]
        entries = [feeds.entry(self.views.feed_item(s), self.host) for s in shown]
        return feeds.feed_xml(info, entries)

    def _bib_entry(self, slug: str) -> str:
        paper = self.views.papers[slug]
        permalink = self.u.absolute(urls.paper(slug)) if has_site_url(self.config) else None
        return cite.entry(paper, self.views.keys[slug], permalink)

    def _paper_bib(self, route: Route) -> bytes:
        return cite.bib_file([self._bib_entry(route.subject)]).encode("utf-8")

    def _topic_bib(self, route: Route) -> bytes:
        return cite.bib_file(self._bib_entry(s) for s in route.papers).encode("utf-8")

    def _papers_json(self, route: Route) -> bytes:
        return papers_json.render(self.site, self.config, self.u)

    def _sitemap(self, route: Route) -> bytes:
        return sitemap.sitemap_xml(sitemap_entries(self.all_routes(), self.u.absolute))

    def _robots(self, route: Route) -> bytes:
        with_sitemap = any(r.kind == routes.SITEMAP for r in self.all_routes())
        return sitemap.robots_txt(self.u.absolute(urls.sitemap()) if with_sitemap else None)
