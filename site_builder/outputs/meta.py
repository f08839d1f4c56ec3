"""Head metadata: canonical links, Open Graph, Twitter card, and for papers Google Scholar
``citation_*`` tags and schema.org JSON-LD.

Absolute URLs need a full ``base_url``. Without one they are left out rather than written
wrong: a canonical link or ``og:url`` holding a bare path is ignored or misread by crawlers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import urls
from ..config import Config
from ..errors import Warn
from ..markup import plain_text
from ..views import PaperView

DESCRIPTION_LIMIT = 300  # characters; as long as the cards' summaries


def has_site_url(config: Config) -> bool:
    """Whether absolute URLs can be written (base_url is a full http(s) URL)."""
    return config.base_url.startswith(("http://", "https://"))


def base_url_warnings(config: Config) -> tuple[Warn, ...]:
    """One warning naming what a build without a full base_url leaves out."""
    if has_site_url(config):
        return ()
    missing = ["Atom feeds"] if config.feeds else []
    missing += ["sitemap.xml", "canonical and Open Graph URLs"]
    what = "base_url is a path, not a full URL" if config.base_url else "base_url is not set"
    return (
        Warn(
            f"{what}, so the site has no {', '.join(missing)}; set base_url in site.yaml "
            "(e.g. https://user.github.io/repo/) or pass --base-url",
            config.config_file.name if config.config_file else "site.yaml",
        ),
    )


def canonical_url(config: Config, u: urls.Urls, page_url: str) -> str | None:
    """The full URL of a page, from its base-absolute URL; None without a site URL or for 404."""
    if not has_site_url(config) or not page_url.startswith(config.base_path):
        return None
    rel = page_url[len(config.base_path) :]
    if rel == "404.html":  # served at any address: it has no URL of its own
        return None
    return u.absolute(rel)


@dataclass(frozen=True)
class PaperMeta:
    """What a paper page's head says about it, for Google Scholar, Zotero and search engines."""

    citation: tuple[tuple[str, str], ...]  # (meta name, content), in Scholar's usual order
    json_ld: dict[str, Any]  # a schema.org ScholarlyArticle, serialised with |tojson
    abstract_text: str  # the rendered abstract as plain text (no Markdown marks)
    description: str  # the same, cut for og:description and feed summaries


def pdf_url(paper: PaperView) -> str | None:
    """A link to the full text: a pdf link of the paper, else its arXiv PDF."""
    for link in paper.links:
        if link.kind == "pdf":
            return link.url
    return f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else None


def paper_meta(config: Config, paper: PaperView) -> PaperMeta:
    abstract = paper.abstract_text
    topics = [t.name for t in paper.topics]
    citation: list[tuple[str, str]] = [("citation_title", paper.title)]
    citation += [("citation_author", name) for name in paper.authors]
    citation.append(("citation_publication_date", paper.date_iso.replace("-", "/")))
    if abstract:
        citation.append(("citation_abstract", abstract))
    pdf = pdf_url(paper)
    if pdf:
        citation.append(("citation_pdf_url", pdf))
    if paper.doi:
        citation.append(("citation_doi", paper.doi))
    if paper.arxiv:
        citation.append(("citation_arxiv_id", paper.arxiv))
    if topics:
        citation.append(("citation_keywords", "; ".join(topics)))

    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "datePublished": paper.date_iso,
    }
    if paper.authors:
        article["author"] = [{"@type": "Person", "name": name} for name in paper.authors]
    if abstract:  # the full text is in the page and in citation_abstract; a summary is enough
        article["description"] = plain_text(abstract, DESCRIPTION_LIMIT)
    if has_site_url(config):
        article["url"] = paper.permalink
    if topics:
        article["keywords"] = topics
    same_as = [u for u in (paper.arxiv_url, paper.doi_url) if u]
    if same_as:
        article["sameAs"] = same_as
    return PaperMeta(
        citation=tuple(citation),
        json_ld=article,
        abstract_text=abstract,
        description=plain_text(abstract, DESCRIPTION_LIMIT),
    )


def template_globals(config: Config, u: urls.Urls) -> dict[str, Callable[..., Any]]:
    return {
        "canonical_url": lambda page_url: canonical_url(config, u, page_url),
        "paper_meta": lambda paper: paper_meta(config, paper),
    }
