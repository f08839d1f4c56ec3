"""Helpers for end-to-end tests: read a built site with a real HTML parser and check links."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class BrokenLink:
    page: str
    url: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url}"


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def resolve(output: Path, base_path: str, page: Path, url: str) -> Path | None:
    """The file an internal URL points at, or None for external links and fragments."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None  # external
    if not parts.path:
        return None  # '#fragment' on the same page
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return output / "__outside_base_path__" / path.lstrip("/")
        rel = path[len(base_path) :]
        target = output / rel
    else:
        target = page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(output: Path, base_path: str) -> list[BrokenLink]:
    """Every href/src in every page that does not resolve to a file of the site."""
    broken: list[BrokenLink] = []
    for page in html_pages(output):
        doc = soup(page)
        for tag in doc.find_all(["a", "link", "script", "img", "source"]):
            for attr in ("href", "src"):
                url = tag.get(attr)
                if not url:
                    continue
                target = resolve(output, base_path, page, url)
                if target is not None and not target.is_file():
                    broken.append(BrokenLink(str(page.relative_to(output)), url))
    return broken
