"""One Jinja2 environment for a build; pages come out as (output path, bytes).

Template lookup: the site's own ``templates/``, then the chosen theme, then the default theme.
A template that overrides another can still extend it by a prefixed name:
``{% extends "default/paper.html" %}`` (the packaged default theme) or ``"theme/paper.html"``
(the chosen theme).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from . import outputs, urls
from .config import Config, builtin_themes_dir
from .errors import ThemeError, Warn
from .model import Site
from .template_errors import template_diagnostic
from .views import (
    PageUrl,
    PaperView,
    SiteView,
    TopicView,
    pager,
    paper_views,
    topic_view,
)

Page = tuple[str, bytes]  # (path inside output/, content)


def template_dirs(config: Config) -> list[Path]:
    default = builtin_themes_dir() / "default" / "templates"
    dirs = [config.templates_dir, config.theme_dir / "templates", default]
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.append(d.resolve())
    return seen


def make_environment(config: Config, asset_urls: dict[str, str]) -> jinja2.Environment:
    default = builtin_themes_dir() / "default" / "templates"
    loader = jinja2.ChoiceLoader(
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
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,  # every template, whatever its name: content is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    u = urls.Urls(config.base_path, config.base_url)

    def asset(name: str) -> str:
        if name not in asset_urls:
            raise ThemeError(f"no static file '{name}' in the theme")
        return u.path(asset_urls[name])

    env.globals.update(url=u.path, absolute_url=u.absolute, asset=asset)
    env.globals.update(outputs.template_globals(config, u))  # feed, day and meta links
    return env


class Renderer:
    """Renders every page of a site. Template errors become ThemeError naming the template line."""

    def __init__(self, config: Config, site: Site, asset_urls: dict[str, str]):
        self.config = config
        self.site = site
        self.env = make_environment(config, asset_urls)
        self.urls = urls.Urls(config.base_path, config.base_url)
        self.warnings: list[Warn] = []  # found while rendering (math that cannot be rendered)
        self.site_view = SiteView(
            title=config.title,
            description=config.description,
            language=config.language,
            author=config.author,
            home_url=self.urls.path(urls.home()),
            topics_url=self.urls.path(urls.topics_index()),
            base_url=config.base_url,
            search_url=self.urls.path(urls.search()) if config.search else None,
            saved_url=self.urls.path(urls.saved()) if config.saved_list else None,
        )
        # A global too, so macros imported without context (paper_card) can read it.
        self.env.globals["site"] = self.site_view

    @functools.cached_property
    def paper_views(self) -> dict[str, PaperView]:
        """Every paper's view, by slug; built once and shared by all outputs."""
        return paper_views(
            self.site,
            self.urls,
            math=self.config.math,
            site_dir=self.config.site_dir,
            warnings=self.warnings,
            citations=self.config.citations,
        )

    @functools.cached_property
    def topic_views(self) -> dict[str, TopicView]:
        return {
            t.slug: topic_view(t, self.urls, citations=self.config.citations)
            for t in self.site.topics
        }

    def render(self, template: str, rel_url: str, **context: Any) -> Page:
        """One HTML page at a site-relative URL, as (path inside output/, bytes)."""
        return self._render(template, rel_url, **context)

    def _render(self, template: str, rel_url: str, **context: Any) -> Page:
        try:
            html = self.env.get_template(template).render(
                site=self.site_view, page_url=self.urls.path(rel_url), **context
            )
        except jinja2.TemplateNotFound as exc:
            where = ", ".join(map(str, template_dirs(self.config)))
            raise ThemeError(f"template '{exc.name}' not found in {where}") from None
        except ThemeError as exc:  # asset() with an unknown name: still say which line
            raise ThemeError.of(
                template_diagnostic(exc, template, self.urls.path(rel_url), self.config.site_dir)
            ) from None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            raise ThemeError.of(
                template_diagnostic(exc, template, self.urls.path(rel_url), self.config.site_dir)
            ) from None
        return urls.output_file(rel_url), html.encode("utf-8")

    def pages(self) -> Iterator[Page]:
        """The core pages, then whatever each enabled feature adds (site_builder/outputs/)."""
        from .outputs import producers

        yield from self.core_pages()
        for produce in producers(self.config):
            yield from produce(self)

    def core_pages(self) -> Iterator[Page]:
        site = self.site
        views = self.paper_views
        ordered = [views[p.slug] for p in site.papers]
        yield from self.listing(ordered, PageUrl(), "index.html", topic=None)
        for view in ordered:
            yield self._render("paper.html", urls.paper(view.slug), paper=view)
        topics = [self.topic_views[t.slug] for t in site.topics]
        yield self._render("topics.html", urls.topics_index(), topics=topics)
        for topic, tv in zip(site.topics, topics, strict=True):
            members = [views[s] for s in topic.paper_slugs]
            yield from self.listing(members, PageUrl(topic.slug), "topic.html", topic=tv)
        yield self._render("404.html", "404.html")

    def listing(
        self,
        papers: list[PaperView],
        page_url: Callable[[int], str],
        template: str,
        **context: Any,
    ) -> Iterator[Page]:
        """A paginated listing of papers (home, topic, day...): one page per papers_per_page."""
        per_page = self.config.papers_per_page
        total = max(1, math.ceil(len(papers) / per_page))
        for n in range(1, total + 1):
            chunk = papers[(n - 1) * per_page : n * per_page]
            yield self._render(
                template,
                page_url(n),
                papers=chunk,
                pager=pager(n, total, page_url, self.urls),
                total_papers=len(papers),
                **context,
            )
