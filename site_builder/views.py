"""What templates see: small read-only view objects, not the domain model.

Everything here is plain data with URLs already worked out, so a theme author never needs
to know how slugs or base paths are built.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from . import cite, urls
from .errors import Warn
from .links import encode_url
from .markup import MarkdownRenderer, MathProblem, Rendered, plain_text, summary_html
from .model import LINK_KINDS, Paper, Site, Topic
from .search_index import SearchRecord

RECENT_TEXTS = 1024  # rendered abstracts a ViewStore keeps (least recently used go first)
# Feed items a ViewStore keeps (about 3 KB each): every paper of a 10,000-paper site, while a
# larger one's workers stay within a few tens of megabytes more.
FEED_ITEMS = 12_000
SUMMARY_LENGTH = 300  # characters of abstract on a card and in a meta description
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
    search_url: str | None = None  # None when the feature is off: no search box, no page
    saved_url: str | None = None  # None when the feature is off: no Save buttons, no page
    authors_url: str | None = None  # the authors index, when the site has author pages


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
    title_html: Markup | None = None  # the title with its math; templates: title_html or title


@dataclass(frozen=True)
class RelatedView:
    """A related paper as listed on another paper's page."""

    title: str
    url: str
    date_iso: str
    date_display: str
    topics: tuple[TopicLink, ...]
    title_html: Markup | None = None  # the title with its math


@dataclass(frozen=True)
class PaperView:
    slug: str
    title: str  # plain text (math as its TeX source): <title>, meta tags, feeds
    title_html: Markup  # the title with its math rendered: headings, cards, links
    url: str
    permalink: str
    date_iso: str
    date_display: str
    authors: tuple[str, ...]
    topics: tuple[TopicLink, ...]
    links: tuple[LinkView, ...]
    abstract_html: Markup
    abstract_text: str  # the whole abstract as plain text, math as its TeX source (feeds, meta)
    summary: str  # plain text, cut for meta descriptions (math as its TeX source)
    summary_html: Markup  # the same for cards: inline HTML, math rendered
    arxiv: str | None
    arxiv_url: str | None
    doi: str | None
    doi_url: str | None
    newer: PaperLink | None = None
    older: PaperLink | None = None
    related: tuple[RelatedView, ...] = ()  # most similar first; empty when switched off
    bibtex: str | None = None  # the paper's BibTeX entry, when citations are on
    bibtex_url: str | None = None  # its .bib file
    author_links: tuple[AuthorLink, ...] = ()  # each author with their page, when there are
    venue: str | None = None  # journal, conference or workshop, where the source names one
    categories: tuple[str, ...] = ()  # the source's subject categories (e.g. arXiv cs.LG)


@dataclass(frozen=True)
class FeedItemView:
    """What a feed entry shows of a paper: PaperView's fields of the same names, without the
    parts a feed never reads (citation, related papers, neighbours), which cost the most."""

    slug: str
    title: str
    permalink: str
    date_iso: str
    authors: tuple[str, ...]
    topics: tuple[TopicLink, ...]
    abstract_html: Markup
    abstract_text: str


@dataclass(frozen=True)
class TopicView:
    name: str
    slug: str
    url: str
    description: str
    count: int
    bibtex_url: str | None = None  # one .bib with all its papers, when citations are on
    area: str = ""  # slug of its area in a two-level taxonomy


@dataclass(frozen=True)
class AreaView:
    name: str
    slug: str
    url: str
    description: str
    count: int  # papers in any of its topics, each counted once


@dataclass(frozen=True)
class AuthorView:
    name: str
    slug: str
    url: str
    count: int
    feed_url: str | None  # None without feeds


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


@dataclass(frozen=True)
class PaperTexts:
    """A paper's title and abstract, rendered once (HTML and plain text)."""

    title: Rendered
    abstract: Rendered


def paper_texts(paper: Paper, renderer: MarkdownRenderer) -> PaperTexts:
    return PaperTexts(renderer.title(paper.title), renderer.abstract(paper.abstract, paper.format))


def math_warnings(paper: Paper, texts: PaperTexts, site_dir: Path | None = None) -> list[Warn]:
    """A warning per formula that could not be rendered, naming the file and line."""
    where: str | None = None
    if paper.path is not None:
        where = str(paper.path)
        if site_dir is not None and paper.path.is_relative_to(site_dir):
            where = str(paper.path.relative_to(site_dir))
    found: list[Warn] = []
    for problem in texts.title.problems:
        found.append(Warn(_math_message(problem, "title: "), where, paper.title_line))
    for problem in texts.abstract.problems:
        line = paper.abstract_line
        at = paper.abstract.find(problem.source)
        if line is not None and at >= 0:
            line += paper.abstract.count("\n", 0, at)
        found.append(Warn(_math_message(problem), where, line))
    return found


def _math_message(problem: MathProblem, where: str = "") -> str:
    source = problem.source if len(problem.source) <= 80 else problem.source[:79] + "…"
    return f"{where}cannot render math {source} ({problem.reason}); shown as TeX source"


def paper_link(paper: Paper, texts: PaperTexts, u: urls.Urls) -> PaperLink:
    return PaperLink(texts.title.text, u.path(urls.paper(paper.slug)), Markup(texts.title.html))


def paper_view(
    paper: Paper,
    topic_slugs: dict[str, str],
    u: urls.Urls,
    newer: Paper | None = None,
    older: Paper | None = None,
    render_markdown: MarkdownRenderer | None = None,
    texts: Mapping[str, PaperTexts] | None = None,
    citation_key: str | None = None,
) -> PaperView:
    """One paper's view; ``texts`` holds already rendered titles and abstracts by slug."""
    renderer = render_markdown or MarkdownRenderer()
    known = texts or {}

    def texts_of(p: Paper) -> PaperTexts:
        return known.get(p.slug) or paper_texts(p, renderer)

    own = texts_of(paper)
    order = {kind: i for i, kind in enumerate(LINK_KINDS)}
    links = sorted(paper.links, key=lambda link: order.get(link.kind, len(order)))
    # Identifiers are free text in front matter: encoded, they cannot make an invalid href.
    arxiv_url = f"https://arxiv.org/abs/{quote(paper.arxiv, safe='/')}" if paper.arxiv else None
    doi_url = f"https://doi.org/{quote(paper.doi, safe='/')}" if paper.doi else None
    # A .bib is read outside the site: only a full URL is worth putting in it.
    has_site_url = u.base_url.startswith(("http://", "https://"))
    permalink = u.absolute(urls.paper(paper.slug))
    return PaperView(
        slug=paper.slug,
        title=own.title.text,
        title_html=Markup(own.title.html),
        url=u.path(urls.paper(paper.slug)),
        permalink=permalink,
        date_iso=paper.date.isoformat(),
        date_display=format_date(paper.date),
        authors=paper.authors,
        topics=topic_links(paper, topic_slugs, u),
        links=tuple(
            LinkView(encode_url(link.url), link.kind, LINK_LABELS[link.kind]) for link in links
        ),
        abstract_html=Markup(own.abstract.html),
        abstract_text=own.abstract.text,
        summary=plain_text(own.abstract.text, SUMMARY_LENGTH),
        summary_html=Markup(summary_html(own.abstract.html, SUMMARY_LENGTH)),
        arxiv=paper.arxiv,
        arxiv_url=arxiv_url,
        doi=paper.doi,
        doi_url=doi_url,
        newer=paper_link(newer, texts_of(newer), u) if newer else None,
        older=paper_link(older, texts_of(older), u) if older else None,
        bibtex=(
            cite.entry(paper, citation_key, permalink if has_site_url else None)
            if citation_key
            else None
        ),
        bibtex_url=u.path(urls.paper_bibtex(paper.slug)) if citation_key else None,
        venue=paper.venue,
        categories=paper.categories,
    )


def topic_view(topic: Topic, u: urls.Urls, citations: bool = False) -> TopicView:
    return TopicView(
        name=topic.name,
        slug=topic.slug,
        url=u.path(urls.topic(topic.slug)),
        description=topic.description,
        count=len(topic.paper_slugs),
        bibtex_url=u.path(urls.topic_bibtex(topic.slug)) if citations else None,
        area=topic.area,
    )


def related_view(view: PaperView) -> RelatedView:
    return RelatedView(
        view.title, view.url, view.date_iso, view.date_display, view.topics, view.title_html
    )


PAGER_WINDOW = 2  # page numbers shown each side of the current one


def pager(number: int, total: int, page_url: Callable[[int], str], u: urls.Urls) -> Pager:
    """Newer/older links and a window of page numbers: the first, the last, and a few around
    the current page, so a listing page's size does not grow with the number of pages. A gap
    in the numbers is a PageLink with number 0 (templates show it as an ellipsis)."""
    around = range(max(1, number - PAGER_WINDOW), min(total, number + PAGER_WINDOW) + 1)
    shown = sorted({1, total, *around})
    pages: list[PageLink] = []
    for n in shown:
        if pages and n - pages[-1].number > 1:
            if n - pages[-1].number == 2:  # a gap of one page: show it rather than '…'
                pages.append(PageLink(n - 1, u.path(page_url(n - 1)), False))
            else:
                pages.append(PageLink(0, "", False))
        pages.append(PageLink(n, u.path(page_url(n)), n == number))
    return Pager(
        number=number,
        total=total,
        newer_url=u.path(page_url(number - 1)) if number > 1 else None,
        older_url=u.path(page_url(number + 1)) if number < total else None,
        pages=tuple(pages),
    )


class PageUrl:
    """Callable giving the site-relative URL of page n of one listing."""

    def __init__(self, topic_slug: str | None = None):
        self.topic_slug = topic_slug

    def __call__(self, n: int) -> str:
        return urls.topic(self.topic_slug, n) if self.topic_slug else urls.home(n)


@dataclass(frozen=True)
class AuthorLink:
    name: str
    url: str | None  # None when the site has no author pages


@dataclass(frozen=True)
class CardView:
    """A paper as listed on home, topic, day, author and area pages: what a card shows and
    no more, so a listing of 100,000 papers does not hold every abstract in memory."""

    slug: str
    title: str
    title_html: Markup
    url: str
    date_iso: str
    date_display: str
    authors: tuple[str, ...]
    author_links: tuple[AuthorLink, ...]
    topics: tuple[TopicLink, ...]
    links: tuple[LinkView, ...]
    summary: str
    summary_html: Markup


def card_view(view: PaperView) -> CardView:
    return CardView(
        slug=view.slug,
        title=view.title,
        title_html=view.title_html,
        url=view.url,
        date_iso=view.date_iso,
        date_display=view.date_display,
        authors=view.authors,
        author_links=view.author_links,
        topics=view.topics,
        links=view.links,
        summary=view.summary,
        summary_html=view.summary_html,
    )


class ViewStore:
    """Views of one site's papers, made when first asked for.

    Cards and rendered titles are kept (a listing shows each paper many times); a paper's full
    view is made each time it is asked for and not kept, so memory stays flat. Math that cannot
    be rendered is recorded per paper in ``problems`` the first time its texts are made.
    """

    def __init__(
        self,
        site: Site,
        u: urls.Urls,
        *,
        math: bool = True,
        site_dir: Path | None = None,
        citation_keys: Mapping[str, str] | None = None,
        author_pages: bool = False,
    ):
        self.site, self.u, self.site_dir = site, u, site_dir
        self.markdown = MarkdownRenderer(math=math)
        self.keys = citation_keys or {}
        self.author_pages = author_pages
        self.papers = {p.slug: p for p in site.papers}
        self.position = {p.slug: i for i, p in enumerate(site.papers)}
        self.topic_slugs = {t.name: t.slug for t in site.topics}
        self.author_names = {a.slug: a.name for a in site.authors}
        self.cards: dict[str, CardView] = {}
        self.titles: dict[str, Rendered] = {}
        self.problems: dict[str, tuple[Warn, ...]] = {}
        self.records: dict[str, SearchRecord] = {}  # what the search index holds of each
        self._recent: OrderedDict[str, PaperTexts] = OrderedDict()
        self._feed_items: OrderedDict[str, FeedItemView] = OrderedDict()
        self._shared: dict[object, object] = {}  # adopt's one copy of each repeated value

    def texts(self, slug: str) -> PaperTexts:
        """Rendered title and abstract; the most recent few are kept, because feeds show the
        newest papers again and again."""
        if slug in self._recent:
            self._recent.move_to_end(slug)
            return self._recent[slug]
        paper = self.papers[slug]
        texts = PaperTexts(self.title(slug), self.markdown.abstract(paper.abstract, paper.format))
        if slug not in self.problems:
            self.problems[slug] = tuple(math_warnings(paper, texts, self.site_dir))
        self._recent[slug] = texts
        if len(self._recent) > RECENT_TEXTS:
            self._recent.popitem(last=False)
        return texts

    def title(self, slug: str) -> Rendered:
        if slug not in self.titles:
            self.titles[slug] = self.markdown.title(self.papers[slug].title)
        return self.titles[slug]

    def _neighbour(self, slug: str, step: int) -> PaperLink | None:
        i = self.position[slug] + step
        if not 0 <= i < len(self.site.papers):
            return None
        other = self.site.papers[i]
        title = self.title(other.slug)
        return PaperLink(title.text, self.u.path(urls.paper(other.slug)), Markup(title.html))

    def _related(self, slug: str) -> tuple[RelatedView, ...]:
        found = []
        for other in self.site.related.get(slug, ()):
            if other not in self.papers:
                continue
            title = self.title(other)
            paper = self.papers[other]
            found.append(
                RelatedView(
                    title.text,
                    self.u.path(urls.paper(other)),
                    paper.date.isoformat(),
                    format_date(paper.date),
                    topic_links(paper, self.topic_slugs, self.u),
                    Markup(title.html),
                )
            )
        return tuple(found)

    def author_links(self, slug: str) -> tuple[AuthorLink, ...]:
        paper = self.papers[slug]
        slugs = self.site.paper_authors.get(slug, ())
        if not self.author_pages or len(slugs) != len(paper.authors):
            return tuple(AuthorLink(name, None) for name in paper.authors)
        return tuple(
            AuthorLink(name, self.u.path(urls.author(a)) if a else None)
            for name, a in zip(paper.authors, slugs, strict=True)
        )

    def feed_item(self, slug: str) -> FeedItemView:
        """A paper as its feed entries show it. Feeds show each paper again and again (the
        site's, its topics', each author's), so the items are kept, up to FEED_ITEMS."""
        if slug in self._feed_items:
            self._feed_items.move_to_end(slug)
            return self._feed_items[slug]
        paper = self.papers[slug]
        texts = self.texts(slug)
        item = FeedItemView(
            slug=slug,
            title=texts.title.text,
            permalink=self.u.absolute(urls.paper(slug)),
            date_iso=paper.date.isoformat(),
            authors=paper.authors,
            topics=topic_links(paper, self.topic_slugs, self.u),
            abstract_html=Markup(texts.abstract.html),
            abstract_text=texts.abstract.text,
        )
        self._feed_items[slug] = item
        if len(self._feed_items) > FEED_ITEMS:
            self._feed_items.popitem(last=False)
        return item

    def paper(self, slug: str) -> PaperView:
        """The full view of one paper (its page and its BibTeX)."""
        paper = self.papers[slug]
        texts = self.texts(slug)
        view = paper_view(
            paper,
            self.topic_slugs,
            self.u,
            render_markdown=self.markdown,
            texts={slug: texts},
            citation_key=self.keys.get(slug),
        )
        view = replace(
            view,
            newer=self._neighbour(slug, -1),
            older=self._neighbour(slug, 1),
            related=self._related(slug),
            author_links=self.author_links(slug),
        )
        self.cards.setdefault(slug, card_view(view))
        if slug not in self.records:
            self.records[slug] = SearchRecord(
                url=view.url,
                title=view.title,
                authors=tuple(view.authors),
                abstract=view.abstract_text,
                topics=tuple(t.name for t in view.topics),
                date_iso=view.date_iso,
            )
        return view

    def adopt(
        self,
        cards: Mapping[str, CardView],
        records: Mapping[str, SearchRecord],
        titles: Mapping[str, Rendered],
        problems: Mapping[str, tuple[Warn, ...]],
    ) -> None:
        """Take in what a render worker made (it arrives unpickled: every string a copy).
        Each value equal to one this process already holds (the paper's slug, title,
        authors and abstract; a topic or author link; a date) is replaced by it, so 100,000
        cards and search records cost about half the memory they would."""
        keep = self._shared.setdefault

        def paper_field(paper: Paper | None, name: str, value: object) -> object:
            mine = getattr(paper, name, None)
            return mine if mine == value else value

        for slug, card in cards.items():
            paper = self.papers.get(slug)
            self.cards[slug] = replace(
                card,
                slug=paper_field(paper, "slug", card.slug),
                title=paper_field(paper, "title", card.title),
                authors=paper_field(paper, "authors", card.authors),
                date_iso=keep(card.date_iso, card.date_iso),
                date_display=keep(card.date_display, card.date_display),
                author_links=tuple(keep(link, link) for link in card.author_links),
                topics=tuple(keep(link, link) for link in card.topics),
                links=tuple(keep(link, link) for link in card.links),
            )
        for slug, record in records.items():
            paper, card = self.papers.get(slug), self.cards.get(slug)
            self.records[slug] = replace(
                record,
                url=card.url if card is not None and card.url == record.url else record.url,
                title=paper_field(paper, "title", record.title),
                authors=paper_field(paper, "authors", record.authors),
                abstract=paper_field(paper, "abstract", record.abstract),
                topics=tuple(keep(name, name) for name in record.topics),
                date_iso=keep(record.date_iso, record.date_iso),
            )
        for slug, title in titles.items():
            paper = self.papers.get(slug)
            self.titles[slug] = replace(title, text=paper_field(paper, "title", title.text))
        self.problems.update(problems)

    def forget_pages(self) -> None:
        """Drop the cards and rendered titles (about 2 KB a paper) once every page is
        written; the search records and math warnings the build still reads stay."""
        self.cards.clear()
        self.titles.clear()
        self._recent.clear()

    def card(self, slug: str) -> CardView:
        if slug not in self.cards:
            self.paper(slug)
        return self.cards[slug]
