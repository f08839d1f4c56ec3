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


# Where a page shows content (titles, summaries, abstracts, authors).
CONTENT_REGIONS = "h1, .card-title, .summary, .abstract, .authors, .prev-next"


def inert_problems(doc: BeautifulSoup, base_path: str) -> list[str]:
    """Everything in a page that could run script or embed something, as readable strings.

    Allowed: JSON-LD data blocks (must parse), and the theme's own script files under the base
    path. Content regions may hold no script, embed, image, SVG or inline style at all.
    """
    import json

    problems: list[str] = []
    for script in doc.find_all("script"):
        if script.get("type") == "application/ld+json":
            try:
                json.loads(script.string or "")
            except ValueError:
                problems.append("JSON-LD block does not parse")
        elif not script.get("src", "").startswith(base_path) or script.get_text(strip=True):
            problems.append(f"script not from the theme: {str(script)[:80]}")
    for tag in doc.find_all(["iframe", "object", "embed", "frame", "base"]):
        problems.append(f"<{tag.name}> in page")
    for region in doc.select(CONTENT_REGIONS):
        for tag in region.find_all(["script", "iframe", "svg", "img", "object", "embed", "style"]):
            problems.append(f"<{tag.name}> inside content")
        for tag in region.find_all(True):
            if "style" in tag.attrs or (
                tag.name != "a" and ("href" in tag.attrs or "src" in tag.attrs)
            ):
                problems.append(f"<{tag.name}> with style/href/src inside content")
    for tag in doc.find_all(True):
        for attr, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                problems.append(f"event handler {attr} on <{tag.name}>")
            if "".join(text.split()).lower().startswith(("javascript:", "vbscript:", "data:text")):
                problems.append(f"script URL in {attr} of <{tag.name}>")
    return problems
