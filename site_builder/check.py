"""`site-builder check`: read a built site in output/ and report what a reader would trip over.

Checked, page by page: every internal link and asset (href, src, srcset, poster) resolves to a
file under the base path (pretty URLs to their index.html), every ``#fragment`` names an id on
its target page, ids are unique, images have an alt attribute, 404.html (served at any depth)
has no relative links. Site-wide: every .xml (feeds, sitemap) and .json (papers.json, search
index) file parses, feeds link into the site, and when sitemap.xml exists every page but 404
and noindex pages is listed in it and every listed URL exists.

Only the standard library's html.parser is used, so the check runs on a plain install.
"""

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Diagnostic

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Attributes holding a URL (or a srcset list), by tag.
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
}
# Schemes that leave the site; anything else with a scheme is reported.
_EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "data", "ftp", "sms", "geo", "webcal"}


def Problem(page: str, message: str, line: int | None = None) -> Diagnostic:  # noqa: N802
    """A problem on a built page (path inside output/), as the one diagnostic type."""
    return Diagnostic(message, page, line or None)


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Diagnostic, ...]
    pages: int
    links: int  # internal URLs followed
    files: int  # feeds and data files parsed

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        found = f"{len(self.problems)} problem{'' if len(self.problems) == 1 else 's'}"
        return (
            f"{'no problems' if self.ok else found} in {self.pages} pages "
            f"({self.links} internal links, {self.files} feed and data files)"
        )


@dataclass(frozen=True)
class _Link:
    url: str
    line: int
    what: str  # "link", "image"... for messages


@dataclass
class _Page:
    """What one HTML page holds, as far as the check cares."""

    anchors: set[str] = field(default_factory=set)  # ids and <a name>: fragment targets
    ids: set[str] = field(default_factory=set)
    duplicate_ids: list[tuple[str, int]] = field(default_factory=list)
    links: list[_Link] = field(default_factory=list)
    images_without_alt: list[tuple[str, int]] = field(default_factory=list)
    noindex: bool = False


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {k: v for k, v in attrs if v is not None}
        page = self.page
        if "id" in values:
            if values["id"] in page.ids:
                page.duplicate_ids.append((values["id"], line))
            page.ids.add(values["id"])
            page.anchors.add(values["id"])
        if tag == "a" and values.get("name"):
            page.anchors.add(values["name"])
        if tag == "img" and "alt" not in values:
            page.images_without_alt.append((values.get("src", ""), line))
        if tag == "meta" and values.get("name", "").lower() == "robots":
            page.noindex = "noindex" in values.get("content", "").lower()
        what = {"img": "image", "script": "script", "link": "<link>"}.get(tag, "link")
        for attr in _URL_ATTRS.get(tag, ()):
            value = values.get(attr, "").strip()
            if attr == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        page.links.append(_Link(url, line, "image"))
            elif value:
                page.links.append(_Link(value, line, what))


def _parse_html(path: Path) -> _Page:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.page


class _Site:
    """A built site on disk: resolves URLs to files and remembers parsed pages."""

    def __init__(self, output: Path, base_path: str, base_url: str):
        self.output = output
        self.base_path = base_path
        self.base_url = base_url  # "" or "https://host/repo/"
        self._pages: dict[str, _Page] = {}

    def page(self, rel: str) -> _Page:
        if rel not in self._pages:
            self._pages[rel] = _parse_html(self.output / rel)
        return self._pages[rel]

    def resolve(self, from_rel: str, url: str) -> tuple[str | None, str, str | None]:
        """Where a URL found in file ``from_rel`` leads.

        Returns (file inside output/, or None when the URL leaves the site; the fragment;
        a problem, or None).
        """
        if self.base_url and url.startswith(self.base_url):
            url = self.base_path + url[len(self.base_url) :]  # a full URL of this very site
        parts = urlsplit(url)
        if parts.scheme:
            if parts.scheme.lower() in _EXTERNAL_SCHEMES:
                return None, "", None
            return None, "", f"{url!r} uses a {parts.scheme}: URL"
        if parts.netloc:
            return None, "", None  # //host/...: another site
        fragment = unquote(parts.fragment)
        if not parts.path:
            return from_rel, fragment, None  # '#x' or '?q': this page
        path = unquote(parts.path)
        if path.startswith("/"):
            # '/repo' without the slash is fine: Pages redirects it to '/repo/'.
            if not (path + "/").startswith(self.base_path):
                return None, fragment, f"{url} is outside the site's base path {self.base_path}"
            rel = path[len(self.base_path) :] if path.startswith(self.base_path) else ""
        elif from_rel == "404.html":
            # Pages serves 404.html at whatever path was missing, so relative links break.
            return None, fragment, f"{url} is relative, which breaks where 404.html is served"
        else:
            folder = posixpath.dirname(from_rel)
            rel = f"{folder}/{path}" if folder else path
        wants_folder = rel == "" or rel.endswith("/")
        clean = posixpath.normpath(rel) if rel else "."
        if clean == ".." or clean.startswith(("../", "/")):
            return None, fragment, f"{url} points outside the site"
        clean = "" if clean == "." else clean
        if wants_folder or (self.output / clean).is_dir():
            clean = posixpath.join(clean, "index.html") if clean else "index.html"
        if not (self.output / clean).is_file():
            return None, fragment, f"{url} is broken: there is no {clean}"
        return clean, fragment, None


def _html_files(output: Path) -> list[str]:
    return sorted(
        p.relative_to(output).as_posix()
        for p in output.rglob("*.html")
        if p.is_file() and not any(s.startswith(".") for s in p.relative_to(output).parts)
    )


def _check_page(site: _Site, rel: str) -> tuple[list[Diagnostic], int]:
    """Problems on one page, and how many internal links it has."""
    page = site.page(rel)
    problems = [
        Problem(rel, f"id {anchor!r} is used more than once on the page", line)
        for anchor, line in page.duplicate_ids
    ]
    problems += [
        Problem(rel, f'image {src!r} has no alt attribute (alt="" marks a decorative one)', line)
        for src, line in page.images_without_alt
    ]
    internal = 0
    for link in page.links:
        target, fragment, problem = site.resolve(rel, link.url)
        if problem:
            problems.append(Problem(rel, f"{link.what} {problem}", link.line))
            continue
        if target is None:
            continue
        internal += 1
        # '#top' scrolls to the top without an id; only HTML pages have ids to check.
        if not fragment or fragment.lower() == "top" or not target.endswith(".html"):
            continue
        if fragment not in site.page(target).anchors:
            where = "this page" if target == rel else target
            message = f"{link.what} {link.url}: no id {fragment!r} on {where}"
            problems.append(Problem(rel, message, link.line))
    return problems, internal


def _check_data_files(site: _Site) -> tuple[list[Diagnostic], int]:
    problems: list[Diagnostic] = []
    count = 0
    for path in sorted(site.output.rglob("*")):
        rel = path.relative_to(site.output).as_posix()
        if not path.is_file() or any(s.startswith(".") for s in rel.split("/")):
            continue
        if path.suffix == ".json":
            count += 1
            try:
                json.loads(path.read_bytes())
            except (ValueError, UnicodeDecodeError) as exc:
                problems.append(Problem(rel, f"not valid JSON: {exc}"))
        elif path.suffix == ".xml":
            count += 1
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError as exc:
                problems.append(Problem(rel, f"not well-formed XML: {exc}", exc.position[0]))
                continue
            if path.name == "feed.xml":
                problems.extend(_check_feed(site, rel, root))
    return problems, count


def _check_feed(site: _Site, rel: str, root: ET.Element) -> Iterator[Diagnostic]:
    if root.tag not in (f"{ATOM}feed", "rss"):
        yield Problem(rel, f"is not an Atom or RSS feed (its root element is {root.tag})")
        return
    hrefs = [el.get("href", "") for el in root.iter(f"{ATOM}link")]
    hrefs += [el.text or "" for el in root.iter("link")]  # RSS
    for href in (h.strip() for h in hrefs):
        if not href:
            continue
        parts = urlsplit(href)
        if (parts.scheme or parts.netloc) and not (
            site.base_url and href.startswith(site.base_url)
        ):
            continue  # elsewhere (a paper's code, say), or the site URL is unknown
        _target, _fragment, problem = site.resolve(rel, href)
        if problem:
            yield Problem(rel, f"feed link {problem}")


def _check_sitemap(site: _Site, pages: list[str]) -> Iterator[Diagnostic]:
    sitemap = site.output / "sitemap.xml"
    if not sitemap.is_file():
        return
    listed: set[str] = set()
    todo = ["sitemap.xml"]
    seen: set[str] = set()
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        try:
            root = ET.parse(site.output / rel).getroot()
        except (ET.ParseError, OSError):
            continue  # reported by the data-file check
        for loc in root.iter(f"{SITEMAP}loc"):
            url = (loc.text or "").strip()
            if site.base_url and not url.startswith(site.base_url):
                yield Problem(rel, f"lists {url}, which is not under the site URL {site.base_url}")
                continue
            target, _f, problem = site.resolve(rel, urlsplit(url).path or "/")
            if problem or target is None:
                yield Problem(rel, f"lists {url}: {problem or 'not a page of this site'}")
            elif root.tag == f"{SITEMAP}sitemapindex":
                todo.append(target)
            else:
                listed.add(target)
    for page in pages:
        if page == "404.html" or page in listed or site.page(page).noindex:
            continue
        yield Problem(page, "is not listed in sitemap.xml")


def check_site(output: Path, base_path: str = "/", base_url: str = "") -> CheckReport:
    """Check a built site. ``base_path`` is '/' or '/repo/'; ``base_url`` the full site URL."""
    if not base_path.startswith("/") or not base_path.endswith("/"):
        raise ValueError(f"base_path must start and end with '/', got {base_path!r}")
    site = _Site(output, base_path, base_url)
    pages = _html_files(output)
    problems: list[Diagnostic] = []
    if "index.html" not in pages:
        problems.append(Problem("index.html", "missing: the site has no home page"))
    links = 0
    for rel in pages:
        found, internal = _check_page(site, rel)
        problems += found
        links += internal
    data_problems, files = _check_data_files(site)
    problems += data_problems
    problems += _check_sitemap(site, pages)
    return CheckReport(tuple(problems), len(pages), links, files)
