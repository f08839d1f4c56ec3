"""Every URL of the site comes from here, so it works at '/' and under '/REPO/' alike."""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import normpath


@dataclass(frozen=True)
class Urls:
    base_path: str  # "/" or "/repo/"
    base_url: str  # "" or "https://user.github.io/repo/"

    def path(self, rel: str) -> str:
        """Base-absolute link for a site-relative path ('papers/x/' -> '/repo/papers/x/')."""
        return self.base_path + rel.lstrip("/")

    def absolute(self, rel: str) -> str:
        """Full URL when the site URL is known (feeds, canonical links), else base-absolute."""
        if self.base_url.startswith(("http://", "https://")):
            return self.base_url + rel.lstrip("/")
        return self.path(rel)


def home(page: int = 1) -> str:
    return "" if page <= 1 else f"page/{page}/"


def paper(slug: str) -> str:
    return f"papers/{slug}/"


def paper_bibtex(slug: str) -> str:
    return f"papers/{slug}/{slug}.bib"


def topic_bibtex(slug: str) -> str:
    return f"topics/{slug}/{slug}.bib"


def topics_index() -> str:
    return "topics/"


def topic(slug: str, page: int = 1) -> str:
    return f"topics/{slug}/" if page <= 1 else f"topics/{slug}/page/{page}/"


def topic_feed(slug: str) -> str:
    return f"{topic(slug)}feed.xml"


def site_feed() -> str:
    return "feed.xml"


def days_index(page: int = 1) -> str:
    return "daily/" if page <= 1 else f"daily/page/{page}/"


def day(date_iso: str, page: int = 1) -> str:
    """A day's page (page n of it when it has many papers)."""
    return f"daily/{date_iso}/" if page <= 1 else f"daily/{date_iso}/page/{page}/"


def authors_index(page: int = 1) -> str:
    return "authors/" if page <= 1 else f"authors/page/{page}/"


def author(slug: str, page: int = 1) -> str:
    return f"authors/{slug}/" if page <= 1 else f"authors/{slug}/page/{page}/"


def author_feed(slug: str) -> str:
    return f"{author(slug)}feed.xml"


def area(slug: str, page: int = 1) -> str:
    return f"areas/{slug}/" if page <= 1 else f"areas/{slug}/page/{page}/"


def papers_json() -> str:
    return "papers.json"


def sitemap() -> str:
    return "sitemap.xml"


def robots() -> str:
    return "robots.txt"


def not_found() -> str:
    return "404.html"


def search() -> str:
    return "search/"


def saved() -> str:
    return "saved/"


def output_file(rel_url: str) -> str:
    """The file a pretty URL is served from: 'papers/x/' -> 'papers/x/index.html'."""
    rel = rel_url + "index.html" if rel_url == "" or rel_url.endswith("/") else rel_url
    clean = normpath(rel)
    if clean.startswith(("../", "/")) or clean in (".", "..") or "\\" in clean:
        raise ValueError(f"output path escapes the site: {rel_url!r}")
    return clean
