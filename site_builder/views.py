"""What templates see: small read-only view objects, not the domain model.

Everything here is plain data with URLs already worked out, so a theme author never needs
to know how slugs or base paths are built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from . import urls
from .links import encode_url
from .markup import MarkdownRenderer, plain_text
from .model import LINK_KINDS, Paper, Site, Topic

LINK_LABELS = {
    "code": "Code",
    "project": "Project page",
    "demo": "Demo",
    "dataset": "Dataset",
    "pdf": "PDF",
    "video": "Video",
    "other": "Link",
}


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    language: str
    author: str
    home_url: str
    topics_url: str
    base_url: str


@dataclass(frozen=True)
class LinkView:
    url: str
    kind: str
    label: str


@dataclass(frozen=True)
class TopicLink:
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class PaperLink:
    title: str
    url: str


@dataclass(frozen=True)
class PaperView:
    slug: str
    title: str
    url: str
    permalink: str
    date_iso: str
    date_display: str
    authors: tuple[str, ...]
    topics: tuple[TopicLink, ...]
    links: tuple[LinkView, ...]
    abstract_html: Markup
    summary: str  # plain text, cut for cards and meta descriptions
    arxiv: str | None
    arxiv_url: str | None
    doi: str | None
    doi_url: str | None
    newer: PaperLink | None = None
    older: PaperLink | None = None


@dataclass(frozen=True)
class TopicView:
    name: str
    slug: str
    url: str
    description: str
    count: int


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    newer_url: str | None
    older_url: str | None
    pages: tuple[PageLink, ...]


def format_date(date: dt.date) -> str:
    """'11 Mar 2024', the same on every machine whatever its locale."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{date.day} {months[date.month - 1]} {date.year}"


def topic_links(paper: Paper, topic_slugs: dict[str, str], u: urls.Urls) -> tuple[TopicLink, ...]:
    return tuple(
        TopicLink(name=name, slug=topic_slugs[name], url=u.path(urls.topic(topic_slugs[name])))
        for name in paper.topics
    )


def paper_view(
    paper: Paper,
    topic_slugs: dict[str, str],
    u: urls.Urls,
    newer: Paper | None = None,
    older: Paper | None = None,
    render_markdown: MarkdownRenderer | None = None,
) -> PaperView:
    render_markdown = render_markdown or MarkdownRenderer()
    order = {kind: i for i, kind in enumerate(LINK_KINDS)}
    links = sorted(paper.links, key=lambda link: order.get(link.kind, len(order)))
    # Identifiers are free text in front matter: encoded, they cannot make an invalid href.
    arxiv_url = f"https://arxiv.org/abs/{quote(paper.arxiv, safe='/')}" if paper.arxiv else None
    doi_url = f"https://doi.org/{quote(paper.doi, safe='/')}" if paper.doi else None
    return PaperView(
        slug=paper.slug,
        title=paper.title,
        url=u.path(urls.paper(paper.slug)),
        permalink=u.absolute(urls.paper(paper.slug)),
        date_iso=paper.date.isoformat(),
        date_display=format_date(paper.date),
        authors=paper.authors,
        topics=topic_links(paper, topic_slugs, u),
        links=tuple(
            LinkView(encode_url(link.url), link.kind, LINK_LABELS[link.kind]) for link in links
        ),
        abstract_html=Markup(render_markdown(paper.abstract)),
        summary=plain_text(paper.abstract, 300),
        arxiv=paper.arxiv,
        arxiv_url=arxiv_url,
        doi=paper.doi,
        doi_url=doi_url,
        newer=PaperLink(newer.title, u.path(urls.paper(newer.slug))) if newer else None,
        older=PaperLink(older.title, u.path(urls.paper(older.slug))) if older else None,
    )


def topic_view(topic: Topic, u: urls.Urls) -> TopicView:
    return TopicView(
        name=topic.name,
        slug=topic.slug,
        url=u.path(urls.topic(topic.slug)),
        description=topic.description,
        count=len(topic.paper_slugs),
    )


def paper_views(site: Site, u: urls.Urls) -> dict[str, PaperView]:
    """A view for every paper, keyed by slug, with its newer/older neighbours linked."""
    topic_slugs = {t.name: t.slug for t in site.topics}
    papers = site.papers
    render_markdown = MarkdownRenderer()
    return {
        p.slug: paper_view(
            p,
            topic_slugs,
            u,
            newer=papers[i - 1] if i > 0 else None,
            older=papers[i + 1] if i + 1 < len(papers) else None,
            render_markdown=render_markdown,
        )
        for i, p in enumerate(papers)
    }


def pager(number: int, total: int, page_url: Callable[[int], str], u: urls.Urls) -> Pager:
    return Pager(
        number=number,
        total=total,
        newer_url=u.path(page_url(number - 1)) if number > 1 else None,
        older_url=u.path(page_url(number + 1)) if number < total else None,
        pages=tuple(PageLink(n, u.path(page_url(n)), n == number) for n in range(1, total + 1)),
    )


class PageUrl:
    """Callable giving the site-relative URL of page n of one listing."""

    def __init__(self, topic_slug: str | None = None):
        self.topic_slug = topic_slug

    def __call__(self, n: int) -> str:
        return urls.topic(self.topic_slug, n) if self.topic_slug else urls.home(n)
