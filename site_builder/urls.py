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
